import { expect } from '../harness/fixtures/index.ts';
import type { ApiResponse } from '../harness/client/api-client.ts';
import { ENDPOINTS, PROFILES, outcomesOf, slotOf, type Body, type Endpoint, type Outcome, type ProfileName } from '../sim/protocol/index.ts';

// Shared by the ENV specs: a valid request body per endpoint (DESIGN §3.3) and its uint32 fields.

/** What a valid body is built from. */
export interface BodyContext {
  lockId: number;
  mac: string;
  /** World time now; pwd/get's effective_at is its slot start (valid under both profiles). */
  now: number;
}

/** A member with a valid ID number (DESIGN §5.5); membership is checked after the lock (§3.2 step 7). */
const FACE = { name: '张三', id_num: '110101199003074477', img_code: 'iVBORw0KGgo=' };

/** The fields of a request that passes §3.2 steps 1–4 on `path`. */
export function validFields(path: Endpoint, c: BodyContext): Body {
  const slotStart = slotOf(c.now) * 300;
  switch (path) {
    case '/third/lock/by_mac/get': return { mac: c.mac };
    case '/third/lock/open': return { lock_id: c.lockId, attach: '' };
    case '/third/lock/open/face': return { lock_id: c.lockId, ...FACE };
    case '/third/lock/pwd/get': return { lock_id: c.lockId, effective_at: slotStart, expire: 300 };
    case '/third/lock/time_sync/result': return { lock_id: c.lockId, seq: 1, state: 1 };
    case '/third/v2/lock/pwd/get': return { lock_id: c.lockId, uid: 1, effective_at: slotStart, expire: 3600 };
    case '/third/v2/lock/pwd/del': return { lock_id: c.lockId, uid: 1 };
    case '/third/v2/lock/open': return { lock_id: c.lockId, password: '123456' };
    default: return { lock_id: c.lockId };
  }
}

/** An integer field and its allowed range (DESIGN §3.2 step 4: uint32 in 1…4294967295 unless said otherwise). */
export interface IntField {
  name: string;
  min: number;
  max: number;
}

const U32 = 0xffffffff;
const lockId: IntField = { name: 'lock_id', min: 1, max: U32 };

/** The integer fields of each endpoint with their ranges (DESIGN §3.3). */
export const INT_FIELDS: Readonly<Record<Endpoint, readonly IntField[]>> = {
  '/third/lock/get': [lockId],
  '/third/lock/by_mac/get': [],
  '/third/lock/open': [lockId],
  '/third/lock/open/face': [lockId],
  '/third/lock/state/get': [lockId],
  '/third/lock/pwd/get': [lockId, { name: 'effective_at', min: 0, max: U32 }, { name: 'expire', min: 300, max: 300 }],
  '/third/lock/time_sync/seq/get': [lockId],
  '/third/lock/time_sync/result': [lockId, { name: 'seq', min: 1, max: U32 }, { name: 'state', min: 1, max: 2 }],
  '/third/v2/lock/pwd/get': [lockId, { name: 'uid', min: 1, max: U32 }, { name: 'effective_at', min: 0, max: U32 }, { name: 'expire', min: 1, max: 315_360_000 }],
  '/third/v2/lock/pwd/del': [lockId, { name: 'uid', min: 0, max: U32 }],
  '/third/v2/lock/open': [lockId],
};

/** The values a field must refuse: wrong types, fractions, negatives, out of range, missing (`undefined`). */
export function badValues(f: IntField, valid: number): { label: string; value: unknown }[] {
  const out: { label: string; value: unknown }[] = [
    { label: 'numeric string', value: String(valid) },
    { label: 'float', value: valid + 0.5 },
    { label: 'negative', value: -Math.max(valid, 1) },
    { label: 'boolean', value: true },
    { label: 'null', value: null },
    { label: '2^32', value: 2 ** 32 },
    { label: 'missing', value: undefined },
  ];
  if (f.min > 0) out.push({ label: 'below range', value: f.min - 1 });
  if (f.max < U32) out.push({ label: 'above range', value: f.max + 1 });
  return out;
}

/** The endpoints a profile serves, in document order. */
export function endpointsOf(profile: ProfileName): Endpoint[] {
  return ENDPOINTS.filter((e) => PROFILES[profile].endpoints.has(e));
}

/** The outcomes a response may stand for: its code and HTTP status are one row of the profile's table. */
export function outcomesOfResponse(res: ApiResponse<unknown>): Outcome[] {
  const code = res.envelope?.code;
  if (typeof code !== 'number') return [];
  return outcomesOf(res.profile, code).filter((o) => PROFILES[res.profile].codes[o].http === res.status);
}

/**
 * DESIGN §3: the answer is the JSON envelope `{code, desc, data}` with a code of the profile's table
 * (matching the HTTP status), and `data` is null on every non-200 code.
 */
export function expectEnvelope(res: ApiResponse<unknown>, what: string): Outcome[] {
  const where = `${what} → HTTP ${res.status} ${res.text.slice(0, 200)}`;
  expect(res.contentType, where).toMatch(/^application\/json\b/);
  expect(res.envelope, where).not.toBeNull();
  const env = res.envelope!;
  expect(typeof env.code, where).toBe('number');
  expect(typeof env.desc, where).toBe('string');
  expect('data' in env, where).toBe(true);
  const outcomes = outcomesOfResponse(res);
  expect(outcomes, `${where}: code and status are no row of ${res.profile}`).not.toHaveLength(0);
  if (!outcomes.includes('ok')) expect(env.data, `${where}: data on an error`).toBeNull();
  else expect(env.data === null || typeof env.data === 'object', where).toBe(true);
  return outcomes;
}
