/**
 * The volatile parts of a cloud's exchanges, declared once (docs/past-one-machine.md §13 "Record and replay"):
 * what changes from one run to the next although the cloud behaved the same. A cassette keeps them in a form
 * that does not churn, so re-recording an unchanged cloud gives the same bytes and a replayed spec's requests
 * still match. Pure: no I/O, no clock.
 */

/**
 * - `signature`: a well-formed sign (32 hex digits) covers the hour it was made in; kept as `«sign»`. A malformed
 *   one ('', 'XYZ', uppercase) is what a negative check sends on purpose and stays as it was.
 * - `time`: a unix time of this era (2000…2100) derived from the clock when the request was made; kept as
 *   `«time»`. Out-of-era values (0, -1, 1.5e300, strings) are the negative checks' inputs and stay.
 * - `minted`: a value the cloud hands out (a password, time-sync keys) that a later request may carry back; each
 *   distinct value of a test becomes a synthetic one of the same shape, the n-th distinct value the n-th synthetic,
 *   in answers and in the requests that carry it back.
 * - `counter`: a number the cloud counts up (the time-sync seq, DESIGN §5.3); kept relative to the first one the
 *   test was given, so "seq + 1000" in a later request stays "seq + 1000".
 * - `secret`: any key naming a secret never reaches a cassette.
 */
export type Volatility = 'signature' | 'time' | 'minted' | 'counter';

/** Field name → how it is volatile, wherever it appears in a request body or an answer. */
export const VOLATILE: Readonly<Record<string, Volatility>> = {
  sign: 'signature',
  effective_at: 'time',
  password: 'minted',
  key1: 'minted',
  key2: 'minted',
  seq: 'counter',
};

const SECRET_KEY = /secret/i;
const SIGN_SHAPE = /^[0-9a-f]{32}$/;
/** 2000-01-01 … 2100-01-01 in unix seconds: the era a clock-derived time lies in. */
const ERA_S = [946_684_800, 4_102_444_800] as const;
/** A counter value this far from the test's first one is not that counter (a negative check's 4294967297). */
const COUNTER_SPAN = 1_000_000;
/** Where synthetic counter values start (any uint32 that leaves room below it for "seq - k"). */
const COUNTER_BASE = 1000;

/**
 * The mapping of one test's minted values and counters: real → synthetic, consistent for the whole test.
 * A recorder keeps one per test; a replayed spec only ever sees synthetic values, so replay needs none.
 */
export class Minter {
  private readonly minted = new Map<string, Map<string, unknown>>();
  private readonly counterStart = new Map<string, number>();

  /** The synthetic value for `value` of field `name`; `answer` mints a new one, a request only maps known ones. */
  mint(name: string, value: unknown, answer: boolean): unknown {
    const kind = VOLATILE[name];
    if (kind === 'counter') return this.counter(name, value, answer);
    if (kind !== 'minted' || (typeof value !== 'string' && typeof value !== 'number')) return value;
    let seen = this.minted.get(name);
    if (!seen) this.minted.set(name, (seen = new Map()));
    const key = JSON.stringify(value);
    const known = seen.get(key);
    if (known !== undefined || !answer) return known ?? value;
    const synthetic = syntheticOf(value, seen.size + 1);
    seen.set(key, synthetic);
    return synthetic;
  }

  private counter(name: string, value: unknown, answer: boolean): unknown {
    if (typeof value !== 'number' || !Number.isInteger(value)) return value;
    let start = this.counterStart.get(name);
    if (start === undefined) {
      if (!answer) return value;
      this.counterStart.set(name, (start = value));
    }
    return Math.abs(value - start) <= COUNTER_SPAN ? value - start + COUNTER_BASE : value;
  }
}

/** The n-th synthetic value of the shape of `real`: digits stay digits of the same length, numbers numbers. */
function syntheticOf(real: string | number, n: number): string | number {
  if (typeof real === 'number') return n;
  if (/^\d+$/.test(real)) return String(n).padStart(real.length, '0').slice(-real.length);
  return `minted-${n}`;
}

/** A JSON value with the volatile parts in their cassette form; minted values mapped when a minter is given. */
export function normalise(v: unknown, minter: Minter | undefined, answer: boolean): unknown {
  if (Array.isArray(v)) return v.map((x) => normalise(x, minter, answer));
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = SECRET_KEY.test(k) ? '«redacted»' : field(k, x, minter, answer);
  return out;
}

function field(name: string, value: unknown, minter: Minter | undefined, answer: boolean): unknown {
  switch (VOLATILE[name]) {
    case 'signature':
      return typeof value === 'string' && SIGN_SHAPE.test(value) ? '«sign»' : value;
    case 'time':
      return typeof value === 'number' && value >= ERA_S[0] && value < ERA_S[1] ? '«time»' : value;
    case 'minted':
    case 'counter':
      return minter ? minter.mint(name, value, answer) : value;
    default:
      return normalise(value, minter, answer);
  }
}
