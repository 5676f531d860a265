import fc from 'fast-check';
import { test, expect, FC_RUNS } from '../harness/fixtures/index.ts';
import { VECTORS } from '../harness/fixtures/vectors.ts';
import { SLOT_S, slotOf, slotWindow, tempPassword } from '../sim/protocol/index.ts';

// TEST-PLAN PWD-01…PWD-04 — the cloud side of the temporary password `/third/lock/pwd/get` (DESIGN §3.3, §5.2).

/** The slot start of the current window: valid `effective_at` under both profiles (2017-10 wants multiples of 300 today). */
const slotStartOf = (w: number): number => slotOf(w) * SLOT_S;

test('the password is a 6-digit string computed from the lock secret as the contract vectors are', { tag: '@PWD-01' }, async ({ api, locks, session, facets }) => {
  const lock = locks.get('main', 'codeOf');
  // The prediction function itself reproduces every vector (including RFC 4226's 287082).
  for (const v of VECTORS.temp_password) expect(tempPassword(v.secret_hex, v.effective_at), `vector at ${v.effective_at}`).toBe(v.password);
  // A lock that is one of the contract's sample locks answers its vectors (DESIGN §11: only then), at
  // world times where their windows are not over (so only where the world clock can be moved).
  const samples = facets.clock ? VECTORS.temp_password.filter((v) => v.secret_hex === lock.secretHex) : [];
  for (const v of samples) {
    await facets.clock!.set(Math.min(await facets.clock!.now(), v.effective_at));
    const res = await api.pwdGet(lock.id, v.effective_at, 300);
    expect(res, `vector at ${v.effective_at}`).toBeOutcome('ok');
    expect(res.envelope?.data?.password).toBe(v.password);
  }
  // Any lock: the cloud's password is the one computed from the lock's own secret, for the next slots.
  const first = slotOf(await session.now()) + 1;
  for (let slot = first; slot < first + 3; slot++) {
    const res = await api.pwdGet(lock.id, slot * SLOT_S, 300);
    expect(res, `slot ${slot}`).toBeOutcome('ok');
    const password = res.envelope?.data?.password;
    expect(typeof password, 'password is a string').toBe('string');
    expect(password).toMatch(/^\d{6}$/);
    expect(password, `slot ${slot}`).toBe(lock.codeOf(slot));
  }
});

test('leading zeros are kept: a slot whose code starts with 0 comes back as a 6-character string', { tag: '@PWD-01' }, async ({ api, locks, session }) => {
  const main = locks.get('main', 'codeOf');
  const lock = main.id;
  const first = slotOf(await session.now()) + 1;
  // Within the next 60 slots one code has a leading zero (1 − 0.9^60 for any secret; the sim fleet's has one on the world's first day).
  const slot = Array.from({ length: 60 }, (_, i) => first + i).find((n) => main.codeOf(n).startsWith('0'));
  expect(slot, 'a slot with a leading-zero code').toBeDefined();
  const res = await api.pwdGet(lock, slot! * SLOT_S, 300);
  expect(res).toBeOutcome('ok');
  const password = res.envelope?.data?.password;
  expect(typeof password).toBe('string');
  expect(password).toMatch(/^0\d{5}$/);
  expect(password).toBe(main.codeOf(slot!));
});

test('deterministic per (lock, slot); different across adjacent slots and across locks', { tag: '@PWD-02' }, async ({ api, fleet, locks, session }) => {
  const lock = fleet.need('main');
  const sibling = fleet.need('sibling');
  const s = slotStartOf(await session.now()) + SLOT_S;
  const codeAt = async (id: number, t: number): Promise<string> => {
    const res = await api.pwdGet(id, t, 300);
    expect(res, `pwd/get lock ${id} at ${t}`).toBeOutcome('ok');
    const p = res.envelope?.data?.password;
    expect(p).toMatch(/^\d{6}$/);
    return p as string;
  };
  const a = await codeAt(lock, s);
  expect(await codeAt(lock, s)).toBe(a);
  const next = await codeAt(lock, s + SLOT_S);
  const after = await codeAt(lock, s + 2 * SLOT_S);
  expect(new Set([a, next, after]).size).toBe(3);
  expect(await codeAt(sibling, s)).not.toBe(a);
  const main = locks.get('main');
  if (main.codeOf) expect([a, next, after]).toEqual([0, 1, 2].map((i) => main.codeOf!(slotOf(s) + i)));
});

test('the same slot asked later in world time still gives the same password', { tag: '@PWD-02' }, async ({ api, fleet, clock }) => {
  const lock = fleet.need('main');
  const s = slotStartOf(await clock.now()) + 2 * SLOT_S;
  const before = await api.pwdGet(lock, s, 300);
  expect(before).toBeOutcome('ok');
  await clock.advance(SLOT_S + 17);
  const later = await api.pwdGet(lock, s, 300);
  expect(later).toBeOutcome('ok');
  expect(later.envelope?.data?.password).toBe(before.envelope?.data?.password);
});

test('expire other than 300 is refused as bad parameters', { tag: '@PWD-03' }, async ({ api, fleet, session }) => {
  const lock = fleet.need('main');
  const s = slotStartOf(await session.now()) + SLOT_S;
  expect(await api.pwdGet(lock, s, 300)).toBeOutcome('ok');
  for (const expire of [0, 1, 299, 301, 600, 3600, -300, 300.5, '300', null, true]) {
    expect(await api.pwdGet(lock, s, expire), `expire ${JSON.stringify(expire)}`).toBeOutcome('bad_params');
  }
  expect(await api.send('/third/lock/pwd/get', { lock_id: lock, effective_at: s }), 'expire missing').toBeOutcome('bad_params');
});

test('effective_at inside a slot: the slot start password (2017-03) or bad parameters (2017-10)', { tag: '@PWD-03' }, async ({ api, fleet, session }) => {
  const lock = fleet.need('main');
  const s = slotStartOf(await session.now()) + SLOT_S;
  const start = await api.pwdGet(lock, s, 300);
  expect(start).toBeOutcome('ok');
  const code = start.envelope?.data?.password;
  if (session.profile === 'kexin-2017-03') {
    for (const t of [s + 1, s + 137, s + SLOT_S - 1]) {
      const res = await api.pwdGet(lock, t, 300);
      expect(res, `effective_at ${t}`).toBeOutcome('ok');
      expect(res.envelope?.data?.password, `effective_at ${t}`).toBe(code);
    }
    const next = await api.pwdGet(lock, s + SLOT_S, 300);
    expect(next).toBeOutcome('ok');
    expect(next.envelope?.data?.password).not.toBe(code);
    // Any uint32: another day's slot is a future window like any other.
    expect(await api.pwdGet(lock, s + 86400, 300)).toBeOutcome('ok');
  } else {
    for (const t of [s + 1, s + 137, s + SLOT_S - 1, s - 1]) {
      expect(await api.pwdGet(lock, t, 300), `effective_at ${t}`).toBeOutcome('bad_params');
    }
    // A multiple of 300 on another UTC+8 day (tomorrow or yesterday) is refused before any window check (§3.2 step 4).
    expect(await api.pwdGet(lock, s + 86400, 300), 'tomorrow').toBeOutcome('bad_params');
    expect(await api.pwdGet(lock, s - 86400, 300), 'yesterday').toBeOutcome('bad_params');
  }
});

test('a window already over is 357; the current and a future window are 200', { tag: '@PWD-04' }, async ({ api, fleet, session }) => {
  const lock = fleet.need('main');
  const current = slotStartOf(await session.now());
  expect(await api.pwdGet(lock, current, 300), 'current window').toBeOutcome('ok');
  expect(await api.pwdGet(lock, current + SLOT_S, 300), 'next window').toBeOutcome('ok');
  expect(await api.pwdGet(lock, current + 10 * SLOT_S, 300), 'a later window').toBeOutcome('ok');
  expect(await api.pwdGet(lock, current - SLOT_S, 300), 'previous window').toBeOutcome('expired');
  expect(await api.pwdGet(lock, current - 10 * SLOT_S, 300), 'an older window').toBeOutcome('expired');
});

test('a window is over exactly at its end in world time', { tag: '@PWD-04' }, async ({ api, fleet, clock, session }) => {
  const lock = fleet.need('main');
  const { start, end } = slotWindow(slotOf(await clock.now()) + 1);
  await clock.set(end - 1);
  expect(await api.pwdGet(lock, start, 300), 'W = end − 1').toBeOutcome('ok');
  await clock.set(end - 0.5);
  expect(await api.pwdGet(lock, start, 300), 'W = end − 0.5').toBeOutcome('ok');
  await clock.set(end);
  expect(await api.pwdGet(lock, start, 300), 'W = end').toBeOutcome('expired');
  if (session.profile === 'kexin-2017-03') expect(await api.pwdGet(lock, end - 1, 300), 'inside the over slot').toBeOutcome('expired');
  expect(await api.pwdGet(lock, end, 300), 'the slot starting now').toBeOutcome('ok');
});

test('property: over iff W ≥ slot end, else the slot password', { tag: '@PWD-04' }, async ({ api, fleet, locks, clock, session }) => {
  const lock = fleet.need('main');
  const secret = locks.get('main').secretHex;
  const strict = session.profile === 'kexin-2017-10';
  // Forward moves ≤ 600 s and slots within ±20 keep every effective_at on the world's first UTC+8 day.
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 0, max: 6000 }), fc.integer({ min: -20, max: 20 }), fc.integer({ min: 0, max: SLOT_S - 1 }), async (tenths, k, inner) => {
      const w = await clock.advance(tenths / 10);
      const effectiveAt = (slotOf(w) + k) * SLOT_S + (strict ? 0 : inner);
      const res = await api.pwdGet(lock, effectiveAt, 300);
      const over = w >= slotWindow(slotOf(effectiveAt)).end;
      expect(res, `W ${w}, effective_at ${effectiveAt}`).toBeOutcome(over ? 'expired' : 'ok');
      if (!over && secret) expect(res.envelope?.data?.password).toBe(tempPassword(secret, effectiveAt));
    }),
    FC_RUNS,
  );
});
