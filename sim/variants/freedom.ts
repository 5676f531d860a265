import { seededRng, type Rng } from '../random.ts';

/**
 * A choice the contract leaves to a device (DESIGN §4, §5, §6, §11, §12), as data: where the contract
 * leaves it open, its allowed range, how to draw a value in it from a seed, and how to say it in a
 * variant's one-line description. A harness that holds on every value of every freedom holds on every
 * correct device; a sweep walks the table by drawing variants.
 */
export interface Freedom<V> {
  /** The DESIGN section that leaves the choice open. */
  readonly cite: string;
  /** The allowed range, for people (`--help`, the closing note, the sweep's table). */
  readonly range: string;
  /** A value in the range. */
  draw(rng: Rng): V;
  /** `key=value` for the variant line (`cache=seq+payload latency=140ms±60`). */
  show(value: V): string;
  /** Parse the `show` form back (after `key=`): what a person types for one choice. An error names the range. */
  parse(text: string): V | { error: string };
}

/** A device kind's freedoms: one entry per field of its variant. */
export type FreedomTable<T> = { readonly [K in keyof T]: Freedom<T[K]> };

/** A drawn variant with the seed it came from (a failing variant is replayed by its seed alone). */
export interface Drawn<T> {
  readonly seed: number;
  readonly variant: T;
}

/**
 * Draw a variant from `seed`: each freedom from its own fork of the seed (named by its key), so that
 * adding a freedom never changes what the others draw. `fit` then applies the table's cross-field
 * rules (e.g. a device without `sim` cannot be asked to lose a response).
 */
export function drawVariant<T>(table: FreedomTable<T>, seed: number, fit: (v: T) => T = (v) => v): Drawn<T> {
  const rng = seededRng(seed);
  const variant = {} as T;
  for (const key of Object.keys(table) as (keyof T & string)[]) variant[key] = table[key].draw(rng.fork(key));
  return { seed, variant: fit(variant) };
}

/** The variant on one line: `key=value` per freedom, in table order. */
export function describeVariant<T>(table: FreedomTable<T>, variant: T): string {
  return (Object.keys(table) as (keyof T & string)[]).map((k) => `${k}=${table[k].show(variant[k])}`).join(' ');
}

/**
 * Overrides as a person types them (`cache=none,latency=0`) applied to a variant; an unknown key or a
 * value out of range is an error naming it and the range.
 */
export function overrideVariant<T>(table: FreedomTable<T>, variant: T, text: string): T | { error: string } {
  const out = { ...variant };
  for (const part of text.split(/[\s,]+/).filter(Boolean)) {
    const eq = part.indexOf('=');
    const key = (eq < 0 ? part : part.slice(0, eq)) as keyof T & string;
    if (!Object.hasOwn(table, key)) return { error: `unknown freedom "${key}" (known: ${Object.keys(table).join(', ')})` };
    const v = table[key].parse(eq < 0 ? '' : part.slice(eq + 1));
    if (typeof v === 'object' && v !== null && 'error' in (v as object)) return { error: `${key}: ${(v as { error: string }).error} (allowed: ${table[key].range})` };
    out[key] = v as T[typeof key];
  }
  return out;
}

/** The table for `--help` and docs: `key  range  (cite)` per line. */
export function freedomLines<T>(table: FreedomTable<T>): string[] {
  const keys = Object.keys(table) as (keyof T & string)[];
  const w = Math.max(...keys.map((k) => k.length));
  return keys.map((k) => `${k.padEnd(w)}  ${table[k].range}  (${table[k].cite})`);
}

/** A choice among named values, drawn uniformly. */
export function oneOf<V extends string>(cite: string, values: readonly V[]): Freedom<V> {
  return {
    cite,
    range: values.join(' | '),
    draw: (rng) => values[rng.int(0, values.length)]!,
    show: (v) => v,
    parse: (t) => ((values as readonly string[]).includes(t) ? (t as V) : { error: `"${t}" is not one of ${values.join(', ')}` }),
  };
}

/** An integer in [min, max], drawn uniformly; `unit` is appended when shown (`140ms`). */
export function intIn(cite: string, min: number, max: number, unit = ''): Freedom<number> {
  return {
    cite,
    range: `${min}…${max}${unit}`,
    draw: (rng) => rng.int(min, max + 1),
    show: (v) => `${v}${unit}`,
    parse: (t) => {
      const n = Number(unit && t.endsWith(unit) ? t.slice(0, -unit.length) : t);
      return Number.isInteger(n) && n >= min && n <= max ? n : { error: `"${t}" is not an integer in ${min}…${max}` };
    },
  };
}

/** A yes/no choice. */
export function flag(cite: string): Freedom<boolean> {
  return {
    cite,
    range: 'yes | no',
    draw: (rng) => rng.next() < 0.5,
    show: (v) => (v ? 'yes' : 'no'),
    parse: (t) => (t === 'yes' ? true : t === 'no' ? false : { error: `"${t}" is not yes or no` }),
  };
}
