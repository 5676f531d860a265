/**
 * The volatile parts of a cloud's exchanges, declared once (docs/cli.md §8 "Record and replay"):
 * what changes from one run to the next although the cloud behaved the same. A cassette keeps them in a form
 * that does not churn, so re-recording an unchanged cloud gives the same bytes and a replayed spec's requests
 * still match. Pure: no I/O, no clock.
 */

/**
 * - `signature`: a sign of 32 hex digits covers the hour and the secret it was made with; kept as `«sign»`, or
 *   `«SIGN»` when in uppercase (SIGN-02 sends one on purpose). Any other value ('', 'XYZ') is a negative check's
 *   input and stays as it was.
 * - `time`: a unix time of this era (2000…2100) derived from the clock when the request was made; kept as
 *   `«time»` (`«time as text»`, `«time with a fraction»`, `«minus time»` for a string, a float, a negated time:
 *   what an ENV check varies). Other values (0, -1, 1.5e300, 'abc') are the negative checks' inputs and stay.
 * - `minted`: a value the cloud hands out (a password, time-sync keys) that a later request may carry back; each
 *   distinct value of a test becomes a synthetic one of the same shape, the n-th distinct value the n-th synthetic,
 *   in answers and in the requests that carry it back.
 * Not volatile: the time-sync seq (DESIGN §5.3). It is a counter an unchanged cloud counts the same way from the
 * same start, and specs send values derived from it (seq + 1000) next to constants of their own (ENV-05's random
 * bodies): no mapping is the same for both in a recording (real values) and a replay (recorded values).
 * - `secret`: any key naming a secret never reaches a cassette.
 */
export type Volatility = 'signature' | 'time' | 'minted';

/** Field name → how it is volatile, wherever it appears in a request body or an answer. */
export const VOLATILE: Readonly<Record<string, Volatility>> = {
  sign: 'signature',
  effective_at: 'time',
  password: 'minted',
  key1: 'minted',
  key2: 'minted',
};

const SECRET_KEY = /secret/i;
const SIGN_SHAPE = /^[0-9a-f]{32}$/i;
/** 2000-01-01 … 2100-01-01 in unix seconds: the era a clock-derived time lies in. */
const ERA_S = [946_684_800, 4_102_444_800] as const;

/**
 * The mapping of one test's minted values: real → synthetic, consistent for the whole test.
 * A recorder keeps one per test; a replayed spec only ever sees synthetic values, so replay needs none.
 */
export class Minter {
  private readonly minted = new Map<string, Map<string, unknown>>();

  /** The synthetic value for `value` of field `name`; `answer` mints a new one, a request only maps known ones. */
  mint(name: string, value: unknown, answer: boolean): unknown {
    if (VOLATILE[name] !== 'minted' || (typeof value !== 'string' && typeof value !== 'number')) return value;
    let seen = this.minted.get(name);
    if (!seen) this.minted.set(name, (seen = new Map()));
    const key = JSON.stringify(value);
    const known = seen.get(key);
    if (known !== undefined || !answer) return known ?? value;
    const synthetic = syntheticOf(value, seen.size + 1);
    seen.set(key, synthetic);
    return synthetic;
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
      if (typeof value !== 'string' || !SIGN_SHAPE.test(value)) return value;
      return value === value.toUpperCase() && /[A-F]/.test(value) ? '«SIGN»' : '«sign»';
    case 'time':
      return timeForm(value);
    case 'minted':
      return minter ? minter.mint(name, value, answer) : value;
    default:
      return normalise(value, minter, answer);
  }
}

/** A clock-derived time in its cassette form, its type kept (an integer, a float, digits in a string: ENV checks tell them apart). */
function timeForm(value: unknown): unknown {
  const n = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !(Math.abs(n) >= ERA_S[0] && Math.abs(n) < ERA_S[1])) return value;
  return `«${n < 0 ? 'minus ' : ''}time${typeof value === 'string' ? ' as text' : Number.isInteger(n) ? '' : ' with a fraction'}»`;
}
