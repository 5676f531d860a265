import fc from 'fast-check';
import { test, expect, expectLockoutEnds, startLockout } from '../harness/fixtures/index.ts';
import { wireOf } from '../sim/protocol/index.ts';
import type { ClockFacet, LockWith } from '../harness/targets/core/facets.ts';

// TEST-PLAN V2 — user passwords written through the gateway (DESIGN §3.3 v2 endpoints, §4 pwd_* ops).

const HOUR_S = 3600;

/** Lock time minus world time, in whole seconds (the lock's clock may be stepped or drift). */
async function skewOf(clock: ClockFacet, lock: LockWith<'time'>): Promise<number> {
  const [lockTime, w] = [await lock.time(), await clock.now()];
  return lockTime - Math.floor(w);
}

async function uidsOf(lock: LockWith<'state'>): Promise<number[]> {
  return (await lock.state()).uids as number[];
}

test('a user password opens by keypad and v2/open exactly inside [effective_at, effective_at+expire) of the lock clock', { tag: '@V2-01' }, async ({ api, clock, locks }) => {
  const lockH = locks.get('main', 'keypad', 'set', 'state', 'time');
  const lock = lockH.id;
  // Step the lock 100 s ahead of the world, so a lock (or cloud) using world time would fail the boundaries.
  await lockH.set({ clock_offset_s: 100 });
  const skew = await skewOf(clock, lockH);
  expect(skew).toBe(100);
  const w = Math.floor(await clock.now());
  const start = w + 600;
  const end = start + 1200;
  const res = await api.v2PwdGet(lock, 7001, start, end - start);
  expect(res).toBeOutcome('ok');
  const password = res.envelope!.data!.password;
  expect(password).toMatch(/^\d{6}$/);
  expect(await uidsOf(lockH)).toEqual([7001]);

  const at = async (lockTime: number, want: 'ok' | 'expired') => {
    await clock.set(lockTime - skew);
    expect(await lockH.keypad(password), `keypad at lock time ${lockTime}`).toBe(want);
    expect(await api.v2Open(lock, password), `v2/open at lock time ${lockTime}`).toBeOutcome(want);
  };
  await at(start - 1, 'expired');
  await at(start, 'ok');
  await at(end - 1, 'ok');
  await at(end, 'expired');
});

test('random windows, clock steps and probe times: v2/open matches the predicted window', { tag: '@V2-01' }, async ({ api, clock, locks }) => {
  const lockH = locks.get('main', 'set', 'time');
  const lock = lockH.id;
  const t0 = Math.floor(await clock.now());
  let round = 0;
  const cases = fc.integer({ min: 1, max: 3000 }).chain((expire) =>
    fc.record({
      expire: fc.constant(expire),
      lead: fc.integer({ min: 0, max: 3000 }),
      step: fc.integer({ min: -500, max: 500 }),
      k: fc.integer({ min: -60, max: expire + 60 }),
    }));
  await fc.assert(
    fc.asyncProperty(cases, async ({ expire, lead, step, k }) => {
      // Rounds lie far apart in time so a lockout left by earlier wrong probes has ended (DESIGN §5.4).
      const base = t0 + ++round * 20_000;
      await clock.set(base);
      if (step !== 0) await lockH.set({ clock_offset_s: step });
      const skew = await skewOf(clock, lockH);
      const start = base + lead;
      const res = await api.v2PwdGet(lock, 7002, start, expire);
      expect(res).toBeOutcome('ok');
      await clock.set(start + k - skew);
      const want = k >= 0 && k < expire ? 'ok' : 'expired';
      expect(await api.v2Open(lock, res.envelope!.data!.password), `window [${start}, ${start + expire}), lock time ${start + k}`).toBeOutcome(want);
    }),
    { numRuns: 15 },
  );
});

test('pwd/get for a window already over is 357, one second left is 200', { tag: '@V2-01' }, async ({ api, session, locks }) => {
  const lockH = locks.get('main', 'state');
  const lock = lockH.id;
  const w = Math.floor(await session.now());
  // DESIGN §3.3 v2: the window [effective_at, effective_at + expire) is over once W reaches its end.
  expect(await api.v2PwdGet(lock, 7003, w - 600, 600)).toBeOutcome('expired');
  expect(await api.v2PwdGet(lock, 7003, w - 600, 300)).toBeOutcome('expired');
  expect(await uidsOf(lockH)).toEqual([]);
  expect(await api.v2PwdGet(lock, 7003, w - 600, 601)).toBeOutcome('ok');
  expect(await uidsOf(lockH)).toEqual([7003]);
});

test('re-assigning a uid replaces its password; the old one is 326', { tag: '@V2-02' }, async ({ api, session, locks }) => {
  const lockH = locks.get('main', 'keypad', 'state');
  const lock = lockH.id;
  const w = Math.floor(await session.now());
  const first = await api.v2PwdGet(lock, 7101, w, HOUR_S);
  expect(first).toBeOutcome('ok');
  const old = first.envelope!.data!.password;
  // A fresh draw may repeat the old password (1 in 10^6); draw again until it differs.
  let current = old;
  for (let i = 0; i < 3 && current === old; i++) {
    const again = await api.v2PwdGet(lock, 7101, w, HOUR_S);
    expect(again).toBeOutcome('ok');
    current = again.envelope!.data!.password;
  }
  expect(current).not.toBe(old);
  expect(await uidsOf(lockH)).toEqual([7101]);
  expect(await api.v2Open(lock, old)).toBeOutcome('wrong_password');
  expect(await lockH.keypad(old)).toBe('bad_password');
  expect(await api.v2Open(lock, current)).toBeOutcome('ok');
});

test('pwd/del removes one uid, uid 0 removes all, an unknown uid is 200', { tag: '@V2-03' }, async ({ api, session, locks }) => {
  const lockH = locks.get('main', 'state');
  const lock = lockH.id;
  const w = Math.floor(await session.now());
  const a = await api.v2PwdGet(lock, 7201, w, HOUR_S);
  const b = await api.v2PwdGet(lock, 7202, w, HOUR_S);
  const c = await api.v2PwdGet(lock, 7203, w, HOUR_S);
  for (const r of [a, b, c]) expect(r).toBeOutcome('ok');
  const [pa, pb, pc] = [a, b, c].map((r) => r.envelope!.data!.password);
  expect(new Set([pa, pb, pc]).size).toBe(3);

  expect(await api.v2PwdDel(lock, 7201)).toBeOutcome('ok');
  expect(await uidsOf(lockH)).toEqual([7202, 7203]);
  expect(await api.v2Open(lock, pa)).toBeOutcome('wrong_password');
  expect(await api.v2Open(lock, pb)).toBeOutcome('ok');

  expect(await api.v2PwdDel(lock, 987_654)).toBeOutcome('ok');
  expect(await uidsOf(lockH)).toEqual([7202, 7203]);

  expect(await api.v2PwdDel(lock, 0)).toBeOutcome('ok');
  expect(await uidsOf(lockH)).toEqual([]);
  expect(await api.v2Open(lock, pb)).toBeOutcome('wrong_password');
  expect(await api.v2Open(lock, pc)).toBeOutcome('wrong_password');
  expect(await api.v2PwdDel(lock, 0)).toBeOutcome('ok');
});

test('a partitioned gateway makes pwd/get and pwd/del 364 in time and writes nothing', { tag: '@V2-04' }, async ({ api, fleet, session, gateways, locks }) => {
  const lockH = locks.get('main', 'state');
  const lock = lockH.id;
  const gw = fleet.need('mainGateway');
  const w = Math.floor(await session.now());
  const kept = await api.v2PwdGet(lock, 7301, w, HOUR_S);
  expect(kept).toBeOutcome('ok');

  await gateways.set(gw, { partitioned: true });
  let t0 = performance.now();
  expect(await api.v2PwdGet(lock, 7302, w, HOUR_S)).toBeOutcome('pwd_write_failed');
  expect(performance.now() - t0).toBeLessThan(1500);
  t0 = performance.now();
  expect(await api.v2PwdDel(lock, 7301)).toBeOutcome('pwd_write_failed');
  expect(performance.now() - t0).toBeLessThan(1500);
  await gateways.set(gw, { partitioned: false });

  // Nothing reached the lock: 7302 was never written, 7301 was not deleted and still opens.
  expect(await uidsOf(lockH)).toEqual([7301]);
  // And the cloud holds no assignment for the failed write (DESIGN §3.3).
  expect((await lockH.state()).cloud_uids).not.toContain(7302);
  expect(await api.v2Open(lock, kept.envelope!.data!.password)).toBeOutcome('ok');
  // The failed uid is free to assign once the gateway answers again.
  const later = await api.v2PwdGet(lock, 7302, w, HOUR_S);
  expect(later).toBeOutcome('ok');
  expect(await api.v2Open(lock, later.envelope!.data!.password)).toBeOutcome('ok');
});

test('a write acked too late is 364 and compensated: the lock ends without the uid', { tag: '@V2-04' }, async ({ api, fleet, session, gateways, locks }) => {
  const lockH = locks.get('main', 'state');
  const lock = lockH.id;
  const uid = 7303;
  // Slower than the 400 ms ack timeout: the lock stores the password after the cloud gave up on it.
  await gateways.set(fleet.need('mainGateway'), { latency_ms: 600 });
  const w = Math.floor(await session.now());
  expect(await api.v2PwdGet(lock, uid, w, HOUR_S)).toBeOutcome('pwd_write_failed');
  const poll = { intervals: [20], timeout: 2000 };
  await expect.poll(async () => (await uidsOf(lockH)).includes(uid), { ...poll, message: 'the late pwd_add lands on the lock' }).toBe(true);
  // DESIGN §3.3: after an ack timeout the cloud sends a compensating pwd_del for that uid.
  await expect.poll(async () => (await uidsOf(lockH)).includes(uid), { ...poll, message: 'the compensating pwd_del removes it' }).toBe(false);
});

test('lock storage full → 364; replacing a stored uid still works', { tag: '@V2-04' }, async ({ api, session, locks }) => {
  const lockH = locks.get('smallStorage', 'state');
  const lock = lockH.id;
  const w = Math.floor(await session.now());
  expect(await api.v2PwdGet(lock, 1, w, HOUR_S)).toBeOutcome('ok');
  expect(await api.v2PwdGet(lock, 2, w, HOUR_S)).toBeOutcome('ok');
  expect(await api.v2PwdGet(lock, 3, w, HOUR_S)).toBeOutcome('pwd_write_failed');
  expect(await uidsOf(lockH)).toEqual([1, 2]);
  // DESIGN §3.3: a write that fails leaves nothing assigned in the cloud (sim exposes the cloud's side as cloud_uids).
  expect((await lockH.state()).cloud_uids).toEqual([1, 2]);
  expect(await api.v2PwdGet(lock, 1, w, HOUR_S)).toBeOutcome('ok');
  expect(await api.v2PwdDel(lock, 2)).toBeOutcome('ok');
  expect(await api.v2PwdGet(lock, 3, w, HOUR_S)).toBeOutcome('ok');
  expect(await uidsOf(lockH)).toEqual([1, 3]);
});

test('v2/open: a wrong password is 326, outside its window 357', { tag: '@V2-05' }, async ({ api, locks, clock }) => {
  const lockH = locks.get('main', 'wrongCode');
  const lock = lockH.id;
  const w = Math.floor(await clock.now());
  const res = await api.v2PwdGet(lock, 7401, w + 600, 600);
  expect(res).toBeOutcome('ok');
  const password = res.envelope!.data!.password;
  expect(await api.v2Open(lock, lockH.wrongCode(w, [password]))).toBeOutcome('wrong_password');
  expect(await api.v2Open(lock, password)).toBeOutcome('expired');
  await clock.set(w + 600);
  expect(await api.v2Open(lock, password)).toBeOutcome('ok');
  await clock.set(w + 1200);
  expect(await api.v2Open(lock, password)).toBeOutcome('expired');
});

test('v2/open after a lock clock reset is 357 (no_time)', { tag: '@V2-05' }, async ({ api, session, locks }) => {
  const lockH = locks.get('main', 'keypad', 'resetClock');
  const lock = lockH.id;
  const w = Math.floor(await session.now());
  const res = await api.v2PwdGet(lock, 7402, w, HOUR_S);
  expect(res).toBeOutcome('ok');
  const password = res.envelope!.data!.password;
  expect(await api.v2Open(lock, password)).toBeOutcome('ok');
  await lockH.resetClock();
  expect(await api.v2Open(lock, password)).toBeOutcome('expired');
  expect(await lockH.keypad(password)).toBe('no_time');
});

test('v2/open during a keypad lockout is 365, and works again when it ends', { tag: '@V2-05' }, async ({ api, clock, locks, session }) => {
  const lockH = locks.get('main', 'keypad', 'wrongCode', 'time', 'setTime');
  const lock = lockH.id;
  const w = Math.floor(await clock.now());
  const res = await api.v2PwdGet(lock, 7403, w, HOUR_S);
  expect(res).toBeOutcome('ok');
  const password = res.envelope!.data!.password;
  const wrong = lockH.wrongCode(w, [password]);
  // DESIGN §5.4: wrong remote passwords count like keypad ones; the last of `attempts` starts the lockout.
  for (let i = 0; i < lockH.lockout.attempts - 1; i++) expect(await api.v2Open(lock, wrong)).toBeOutcome('wrong_password');
  const start = await startLockout(lockH, () => api.v2Open(lock, wrong));
  expect(start.result).toBeOutcome('wrong_password');
  expect(await api.v2Open(lock, password)).toBeOutcome('busy');
  expect(await lockH.keypad(password)).toBe('locked_out');
  // In lock time (DESIGN §5.4), exactly; a real-time lock that counts it otherwise is waited out (§11).
  const open = async () => (await api.v2Open(lock, password)).envelope?.code;
  const codes = { busy: wireOf(session.profile, 'busy').code, ok: wireOf(session.profile, 'ok').code };
  await expectLockoutEnds(lockH, start, { what: 'v2/open', read: open, locked: codes.busy, free: codes.ok });
  expect(await api.v2Open(lock, password)).toBeOutcome('ok');
});

// The same checks through the API and the keypad only, with the lock's clock following world time:
// these also run on a lab bench, where the lock's stored uids cannot be read.

test('a user password opens from effective_at to effective_at + expire − 1 s, not outside (API and keypad)', { tag: '@V2-01' }, async ({ api, clock, locks }) => {
  const lockH = locks.get('main', 'keypad', 'time', 'setTime');
  const lock = lockH.id;
  const w = Math.floor(await clock.now());
  const res = await api.v2PwdGet(lock, 7501, w + 600, 600);
  expect(res).toBeOutcome('ok');
  const pw = res.envelope!.data!.password;
  // setTime places the lock's own clock (on a running device clock inside the second: DESIGN §11).
  await lockH.setTime(w + 599);
  expect(await api.v2Open(lock, pw)).toBeOutcome('expired');
  await lockH.setTime(w + 600);
  expect(await api.v2Open(lock, pw)).toBeOutcome('ok');
  await lockH.setTime(w + 1199);
  expect(await lockH.keypad(pw)).toBe('ok');
  await lockH.setTime(w + 1200);
  expect(await api.v2Open(lock, pw)).toBeOutcome('expired');
  expect(await lockH.keypad(pw)).toBe('expired');
});

test('re-assigning a uid replaces its password (API only)', { tag: '@V2-02' }, async ({ api, fleet, clock }) => {
  const lock = fleet.need('main');
  const w = Math.floor(await clock.now());
  const first = (await api.v2PwdGet(lock, 7511, w, HOUR_S)).envelope?.data?.password;
  const second = (await api.v2PwdGet(lock, 7511, w, HOUR_S)).envelope?.data?.password;
  expect(first).toMatch(/^\d{6}$/);
  expect(second).toMatch(/^\d{6}$/);
  expect(second).not.toBe(first);
  expect(await api.v2Open(lock, first)).toBeOutcome('wrong_password');
  expect(await api.v2Open(lock, second)).toBeOutcome('ok');
});

test('pwd/del of a uid, of uid 0 and of an unknown uid (API only)', { tag: '@V2-03' }, async ({ api, fleet, clock }) => {
  const lock = fleet.need('main');
  const w = Math.floor(await clock.now());
  const a = (await api.v2PwdGet(lock, 7521, w, HOUR_S)).envelope!.data!.password;
  const b = (await api.v2PwdGet(lock, 7522, w, HOUR_S)).envelope!.data!.password;
  const c = (await api.v2PwdGet(lock, 7523, w, HOUR_S)).envelope!.data!.password;
  expect(await api.v2PwdDel(lock, 7521)).toBeOutcome('ok');
  expect(await api.v2Open(lock, a)).toBeOutcome('wrong_password');
  expect(await api.v2Open(lock, b)).toBeOutcome('ok');
  expect(await api.v2PwdDel(lock, 7599)).toBeOutcome('ok');
  expect(await api.v2PwdDel(lock, 0)).toBeOutcome('ok');
  expect(await api.v2Open(lock, b)).toBeOutcome('wrong_password');
  expect(await api.v2Open(lock, c)).toBeOutcome('wrong_password');
});
