import { SEED_MAX } from '../sim/random.ts';
import { describeVariant, drawVariant, overrideVariant, type Drawn, type FreedomTable } from '../sim/variants/freedom.ts';

/**
 * `--variant SEED` and `--variant-set k=v,…` of a virtual device (DESIGN §6, §12 freedoms,
 * `sim/variants/`): the device becomes the variant drawn from SEED (or `base` without one), with the
 * overrides on top. A bad seed or override stops the CLI once, naming the flag and the allowed range.
 */
export function variantFlags<T>(
  table: FreedomTable<T>, base: T, fit: (v: T) => T, seedText: string | undefined, setText: string | undefined, fail: (message: string) => never,
): Drawn<T> & { line: string } {
  let drawn: Drawn<T> = { seed: -1, variant: base };
  if (seedText !== undefined) {
    const seed = Number(seedText);
    if (!/^\d+$/.test(seedText) || seed > SEED_MAX) fail(`--variant must be a seed, an integer 0…${SEED_MAX}, got "${seedText}"`);
    drawn = drawVariant(table, seed, fit);
  }
  let variant = drawn.variant;
  if (setText) {
    const o = overrideVariant(table, variant, setText);
    if (typeof o === 'object' && o !== null && 'error' in o) fail(`--variant-set: ${(o as { error: string }).error}`);
    variant = fit(o as T);
  }
  const line = `variant ${drawn.seed >= 0 ? drawn.seed : 'default'}${setText ? ' (set)' : ''}: ${describeVariant(table, variant)}`;
  return { seed: drawn.seed, variant, line };
}
