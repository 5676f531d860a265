// The protocol's parts by file, not its index: the cloud's fixture-loader thread loads only the schema (DESIGN §13).
import { UINT32_MAX } from '../protocol/uint.ts';
/** A problem found in a fixture, located by its JSON path (`$.locks[2].secret_hex`). */
export interface FixtureProblem {
  path: string;
  message: string;
}

/** A fixture that cannot be built into a world; `problems` carry JSON paths. */
export class FixtureError extends Error {
  constructor(readonly problems: FixtureProblem[]) {
    super(problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
  }
}

type Obj = Record<string, unknown>;
type NumOpts = { def?: number; min?: number; max?: number; int?: boolean };
type StrOpts = { def?: string; re?: RegExp; hint?: string };

/**
 * Reads typed values out of untrusted JSON, recording a problem (with its path) for every
 * wrong value instead of throwing, so one run reports every problem of a fixture.
 */
export class FieldReader {
  constructor(readonly problems: FixtureProblem[] = []) {}

  /** Report a problem at a path. */
  problem(path: string, message: string): void {
    this.problems.push({ path, message });
  }

  /** The value at `path` as an object (or {} after recording a problem). */
  object(v: unknown, path: string, optional = false): Obj {
    if (v === undefined && optional) return {};
    if (v === null || typeof v !== 'object' || Array.isArray(v)) {
      this.problem(path, 'must be an object');
      return {};
    }
    return v as Obj;
  }

  /** The value as an array (or [] after recording a problem). */
  array(v: unknown, path: string, optional = false): unknown[] {
    if (v === undefined && optional) return [];
    if (!Array.isArray(v)) {
      this.problem(path, 'must be an array');
      return [];
    }
    return v;
  }

  /** Report keys of `o` that are not in `known` (catches typos that would silently use a default). */
  knownKeys(o: Obj, known: readonly string[], path: string): void {
    for (const k of Object.keys(o)) if (!known.includes(k)) this.problem(`${path}.${k}`, 'is not a known key');
  }

  /** A number in [min, max] (integer when `int`), or the default when absent. */
  num(o: Obj, key: string, path: string, opts: NumOpts): number {
    return this.numAt(o[key], `${path}.${key}`, opts);
  }

  /** A number value located at path `p`. */
  numAt(v: unknown, p: string, opts: NumOpts): number {
    if (v === undefined) {
      if (opts.def !== undefined) return opts.def;
      this.problem(p, 'is required');
      return opts.min ?? 0;
    }
    const min = opts.min ?? -Infinity;
    const max = opts.max ?? Infinity;
    if (typeof v !== 'number' || !Number.isFinite(v) || (opts.int && !Number.isInteger(v)) || v < min || v > max) {
      const kind = opts.int ? 'an integer' : 'a number';
      this.problem(p, `must be ${kind}${Number.isFinite(min) ? ` ≥ ${min}` : ''}${Number.isFinite(max) ? ` and ≤ ${max}` : ''}`);
      return opts.def ?? min;
    }
    return v;
  }

  /** A uint32 id (1…4294967295). */
  id(o: Obj, key: string, path: string): number {
    return this.num(o, key, path, { min: 1, max: UINT32_MAX, int: true });
  }

  /** A string matching `re` when given, or the default when absent. */
  str(o: Obj, key: string, path: string, opts: StrOpts = {}): string {
    return this.strAt(o[key], `${path}.${key}`, opts);
  }

  /** A string value located at path `p`. */
  strAt(v: unknown, p: string, opts: StrOpts = {}): string {
    if (v === undefined) {
      if (opts.def !== undefined) return opts.def;
      this.problem(p, 'is required');
      return '';
    }
    if (typeof v !== 'string') {
      this.problem(p, 'must be a string');
      return opts.def ?? '';
    }
    if (opts.re && !opts.re.test(v)) {
      this.problem(p, `must be ${opts.hint ?? `a string matching ${opts.re}`}`);
      return opts.def ?? v;
    }
    return v;
  }

  /** A boolean, or the default when absent. */
  bool(o: Obj, key: string, path: string, def: boolean): boolean {
    const v = o[key];
    if (v === undefined) return def;
    if (typeof v !== 'boolean') {
      this.problem(`${path}.${key}`, 'must be a boolean');
      return def;
    }
    return v;
  }
}
