import { isValidIdNumber, UINT32_MAX, type Body } from '../protocol/index.ts';

/** A field check: the typed value, or why the request is refused (`too_large` only for images). */
export type FieldResult<T> = { ok: true; value: T } | { ok: false; desc: string; outcome?: 'too_large' };

const ok = <T>(value: T): FieldResult<T> => ({ ok: true, value });
const bad = (desc: string): FieldResult<never> => ({ ok: false, desc });

export { UINT32_MAX } from '../protocol/index.ts';

/**
 * A JSON integer in [min, max] (DESIGN §3.2 step 4): numeric strings, floats, negatives, booleans
 * and a missing field are refused with a message naming the field.
 */
export function uint32(body: Body, name: string, min = 1, max = UINT32_MAX): FieldResult<number> {
  const v = body[name];
  const inRange = typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
  if (inRange) return ok(v);
  if (v === 0 && min === 1 && max === UINT32_MAX) return bad(`${name} must be an unsigned 32-bit integer ≥ 1`);
  if (min <= 1 && max === UINT32_MAX) return bad(`${name} must be an unsigned 32-bit integer`);
  return bad(`${name} must be an integer in ${min}…${max}`);
}

/** A string whose length in characters is within [min, max]. */
export function text(body: Body, name: string, min = 0, max = Infinity): FieldResult<string> {
  const v = body[name];
  if (typeof v !== 'string') return bad(`${name} must be a string`);
  const len = [...v].length;
  if (len < min || len > max) return bad(`${name} must be ${min}–${max} characters long`);
  return ok(v);
}

const MAC = /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/;

/** A MAC `xx:xx:xx:xx:xx:xx` in hex of any case (DESIGN §3.3 by_mac). */
export function mac(body: Body, name: string): FieldResult<string> {
  const v = body[name];
  if (typeof v !== 'string' || !MAC.test(v)) return bad(`${name} must be a MAC address xx:xx:xx:xx:xx:xx`);
  return ok(v.toLowerCase());
}

/** A 6-digit password string (leading zeros kept). */
export function sixDigits(body: Body, name: string): FieldResult<string> {
  const v = body[name];
  if (typeof v !== 'string' || !/^\d{6}$/.test(v)) return bad(`${name} must be a string of 6 digits`);
  return ok(v);
}

/** An 18-character resident ID number with a valid check character (DESIGN §5.5). */
export function idNumber(body: Body, name: string): FieldResult<string> {
  const v = body[name];
  if (typeof v !== 'string' || !isValidIdNumber(v)) return bad(`${name} must be a valid 18-character ID number`);
  return ok(v);
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Non-empty standard base64 with padding whose decoded size is at most maxBytes (else too_large). */
export function base64Image(body: Body, name: string, maxBytes: number): FieldResult<Buffer> {
  const v = body[name];
  if (typeof v !== 'string' || v.length === 0 || !BASE64.test(v)) return bad(`${name} must be standard base64`);
  const decoded = Buffer.from(v, 'base64');
  if (decoded.length > maxBytes) return { ok: false, desc: `${name} must decode to at most ${maxBytes} bytes`, outcome: 'too_large' };
  return ok(decoded);
}

/** Run field checks in order; the first refusal wins, else the typed record of every value. */
export function fieldsOf<T extends object>(checks: { [K in keyof T]: () => FieldResult<T[K]> }): FieldResult<T> {
  const out: Partial<T> = {};
  for (const key of Object.keys(checks) as (keyof T)[]) {
    const r = checks[key]();
    if (!r.ok) return r;
    out[key] = r.value;
  }
  return ok(out as T);
}
