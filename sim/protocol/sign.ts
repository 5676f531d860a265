import { createHash, timingSafeEqual } from 'node:crypto';

/** A JSON body as sent to the API (a plain object). */
export type Body = Record<string, unknown>;

/** Serialize a value as compact JSON with object keys sorted ascending (DESIGN §5.1). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  return canonicalEntries(Object.entries(value));
}

// Entries, not a rebuilt object: assigning `__proto__` on a plain object sets its prototype
// instead of a member, which would drop that key from the signed content (DESIGN §5.1).
function canonicalEntries(entries: [string, unknown][]): string {
  const kept = entries.filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${kept.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** The hour bucket a unix time falls in: floor(t / 3600). */
export function hourBucket(unixTime: number): number {
  return Math.floor(unixTime / 3600);
}

/** Fields each path leaves outside the signed content (DESIGN §5.1: the image of open/face). */
const UNSIGNED_FIELDS: Readonly<Record<string, readonly string[]>> = { '/third/lock/open/face': ['img_code'] };

/** The fields of a request to `path` that its sign does not cover (DESIGN §5.1); none for most paths. */
export function unsignedFields(path: string): readonly string[] {
  return UNSIGNED_FIELDS[path] ?? [];
}

/** The signed content C: the body without `sign` and without the excluded fields. */
export function signedContent(body: Body, exclude: readonly string[] = []): string {
  return canonicalEntries(Object.entries(body).filter(([k]) => k !== 'sign' && !exclude.includes(k)));
}

/** The exact string the MD5 runs over: `C + "+" + secret + "+" + bucket`. */
export function stringToSign(body: Body, appSecret: string, unixTime: number, exclude: readonly string[] = []): string {
  return `${signedContent(body, exclude)}+${appSecret}+${hourBucket(unixTime)}`;
}

/** The `kexin-json-hour` signature of a body at a world time (lowercase hex MD5). */
export function signBody(body: Body, appSecret: string, unixTime: number, exclude: readonly string[] = []): string {
  return createHash('md5').update(stringToSign(body, appSecret, unixTime, exclude), 'utf8').digest('hex');
}

/** Constant-time equality of two ASCII strings. */
export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  if (ab.length !== bb.length) {
    timingSafeEqual(ab, ab);
    return false;
  }
  return timingSafeEqual(ab, bb);
}

/**
 * Whether `sign` is valid for the body at world time `w`: the buckets of w − skew, w and w + skew
 * are accepted (skew 0 = current hour only). Uppercase hex is refused because the
 * expected value is lowercase and the comparison is exact.
 */
export function verifySign(body: Body, sign: string, appSecret: string, w: number, skewS: number, exclude: readonly string[] = []): boolean {
  const buckets = new Set([hourBucket(w - skewS), hourBucket(w), hourBucket(w + skewS)]);
  let ok = false;
  for (const bucket of buckets) {
    // Every candidate is computed and compared, so timing does not reveal which bucket matched.
    const expected = signBody(body, appSecret, bucket * 3600, exclude);
    if (safeEqual(expected, sign)) ok = true;
  }
  return ok;
}
