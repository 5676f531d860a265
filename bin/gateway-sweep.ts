/**
 * The variant sweep of `conformance:gateway` (issue 20): the `gateway` target against N gateways
 * drawn from the freedoms DESIGN §4/§12 leave open (`sim/variants/gateway.ts`), each its own
 * `npm run gateway -- --variant SEED` process on real time. Every variant must pass: a correct gateway
 * written apart from this project may make any of these choices. The variant seeds come from one
 * sweep seed (printed); a failing row is replayed by its variant seed alone (`--variant SEED`).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describeVariant } from '../sim/variants/freedom.ts';
import { drawGatewayVariant, GATEWAY_FREEDOMS } from '../sim/variants/gateway.ts';
import { seededRng, SEED_MAX } from '../sim/random.ts';
import { runOnce, SPECS } from './gateway-runs.ts';

export interface SweepRow {
  /** The variant's seed: `npm run gateway -- --variant SEED` is this gateway again. */
  seed: number;
  /** Its draw, `key=value` per freedom. */
  variant: string;
  verdict: 'pass' | 'FAIL';
  /** Check ids that failed (and any other problem of the run, in words). */
  failing: string[];
  problems: string[];
  seconds: number;
}

/** `n` variant seeds drawn from the sweep seed (the same sweep seed gives the same variants). */
export function sweepSeeds(sweepSeed: number, n: number): number[] {
  const rng = seededRng(sweepSeed).fork('gateway-sweep');
  return Array.from({ length: n }, () => rng.int(0, SEED_MAX + 1));
}

/** The variant line of a seed, as the gateway prints it. */
export function variantLine(seed: number): string {
  return describeVariant(GATEWAY_FREEDOMS, drawGatewayVariant(seed).variant);
}

/** Run the gateway target (`specs`, default all of its specs) against each variant, one after the other; a row per variant. */
export async function sweep(seeds: readonly number[], scratch: string, progress: (row: SweepRow) => void, specs: readonly string[] = SPECS, jobs = 1): Promise<SweepRow[]> {
  return pool(seeds, jobs, async (seed) => {
    const t0 = performance.now();
    const reports = join(scratch, `variant-${seed}`);
    const r = await runOnce({ name: `variant ${seed}`, gatewayArgs: ['--variant', String(seed)], specs: [...specs], expect: 'pass' }, reports, reports);
    const row: SweepRow = {
      seed, variant: variantLine(seed), verdict: r.problems.length ? 'FAIL' : 'pass', failing: r.failed, problems: r.problems,
      seconds: Math.round((performance.now() - t0) / 1000),
    };
    progress(row);
    return row;
  });
}

/** `work` over `items`, at most `jobs` at once; the results in the items' order. */
export async function pool<T, R>(items: readonly T[], jobs: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(jobs, items.length) }, async () => {
    for (let i = next++; i < items.length; i = next++) results[i] = await work(items[i]!);
  }));
  return results;
}

/** The table as printed: seed, verdict, failing checks, the draw. */
export function sweepTable(rows: readonly SweepRow[]): string {
  const head = ['seed', 'verdict', 'failing', 's', 'variant'];
  const cells = rows.map((r) => [String(r.seed), r.verdict, r.failing.join(' ') || (r.problems.length ? 'run' : '-'), String(r.seconds), r.variant]);
  const w = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]): string => c.map((x, i) => (i === c.length - 1 ? x : x.padEnd(w[i]!))).join('  ');
  return [line(head), ...cells.map(line)].join('\n');
}

/** `reports/gateway/sweep.json`: the sweep seed, how to replay, and the rows. */
export function writeSweep(path: string, sweepSeed: number | undefined, rows: readonly SweepRow[]): void {
  mkdirSync(dirname(path), { recursive: true });
  const replay = 'npm run conformance:gateway -- --variant SEED (one row), or --sweep N --seed SWEEP_SEED (the whole sweep)';
  writeFileSync(path, `${JSON.stringify({ sweep_seed: sweepSeed ?? null, replay, rows }, null, 2)}\n`);
}
