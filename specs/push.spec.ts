import fc from 'fast-check';
import { test, expect, pushOf } from '../harness/fixtures/index.ts';
import type { InboxPush } from '../harness/targets/core/facets.ts';
import { slotOf } from '../sim/protocol/index.ts';

// TEST-PLAN PUSH — push delivery (DESIGN §3.4): shapes, the lock's clock, retries, order, modes.

/** `YYYY-MM-DD HH:MM:SS` of a unix time in UTC+8 (DESIGN §3.4 type 2, §2 time zone). */
const utc8 = (unix: number): string => new Date((Math.floor(unix) + 8 * 3600) * 1000).toISOString().slice(0, 19).replace('T', ' ');
const TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

/** Pushes of `type` about a lock or gateway, received for `appId`. */
const to = (appId: string, type: number, key: { lockId?: number; apId?: number }) => (p: InboxPush): boolean =>
  p.app_id === appId && pushOf(type, key)(p);

/** The type 2 fields that tell unlocks apart. */
const unlockOf = (p: InboxPush) => ({ mode: p.body.data.mode, result: p.body.data.result, uid: p.body.data.uid });

test('type 2 is exactly {lock_id, result, uid, mode, time}; time is the lock clock, not world time', { tag: '@PUSH-01' }, async ({ api, pushes, session, locks }) => {
  // The oracle itself: 1700000000 is 2023-11-14 22:13:20 UTC.
  expect(utc8(1700000000.9)).toBe('2023-11-15 06:13:20');
  const lockH = locks.get('main', 'set', 'state');
  const lock = lockH.id;
  await lockH.set({ clock_offset_s: 3600 });
  const w = Math.floor(await session.now());
  expect((await lockH.state()).lock_time).toBe(w + 3600);
  expect(await api.open(lock)).toBeOutcome('ok');
  const [p] = await pushes.waitFor(to(session.app.appId, 2, { lockId: lock }), { timeoutMs: 3000, what: 'network unlock' });
  expect(Object.keys(p!.body).sort()).toEqual(['data', 'type']);
  expect(Object.keys(p!.body.data).sort()).toEqual(['lock_id', 'mode', 'result', 'time', 'uid']);
  // A network unlock without a member: uid 0 (DESIGN §3.4 "0 when none").
  expect(p!.body).toEqual({ type: 2, data: { lock_id: lock, result: 1, uid: 0, mode: 3, time: utc8(w + 3600) } });
  expect(p!.body.data.time).toMatch(TIME);
  expect(p!.body.data.time).not.toBe(utc8(w));
});

test('type 2 time follows a drifting lock clock (property)', { tag: '@PUSH-01' }, async ({ pushes, session, clock, locks }) => {
  const lockH = locks.get('drifting', 'ble', 'state');
  const lock = lockH.id;
  const ppm = lockH.driftPpm ?? 0;
  const w0 = await clock.now();
  const l0 = Number((await lockH.state()).lock_time);
  const mine = to(session.app.appId, 2, { lockId: lock });
  let uid = 0;
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 1, max: 30 * 86400 }), async (advanceS) => {
      uid++;
      const w = await clock.advance(advanceS);
      // DESIGN §2: L = L0 + (W − W0)·(1 + ppm·1e-6); the wire carries whole seconds.
      const l = l0 + (w - w0) * (1 + ppm * 1e-6);
      expect(await lockH.ble(uid)).toBe('ok');
      const [p] = await pushes.waitFor((q) => mine(q) && q.body.data.uid === uid, { timeoutMs: 3000, what: `unlock uid ${uid}` });
      const time = String(p!.body.data.time);
      expect(time).toMatch(TIME);
      expect([utc8(l - 1e-6), utc8(l + 1e-6)], `W+${w - w0}s`).toContain(time);
    }),
    { numRuns: 10 },
  );
});

test('type 1 is exactly {ap_id, online}: false on disconnect, then true on reconnect', { tag: '@PUSH-01' }, async ({ fleet, pushes, session, gateways }) => {
  const ap = fleet.need('mainGateway');
  const mine = to(session.app.appId, 1, { apId: ap });
  const before = (await pushes.list()).filter(mine).length;
  await gateways.set(ap, { online: false });
  await pushes.waitFor(mine, { count: before + 1, timeoutMs: 3000, what: 'type 1 offline' });
  await gateways.set(ap, { online: true });
  await pushes.waitFor(mine, { count: before + 2, timeoutMs: 3000, what: 'type 1 online' });
  const got = (await pushes.settled(mine, 200)).slice(before);
  expect(got.map((p) => p.body)).toEqual([
    { type: 1, data: { ap_id: ap, online: false } },
    { type: 1, data: { ap_id: ap, online: true } },
  ]);
  for (const p of got) expect(Object.keys(p.body.data).sort()).toEqual(['ap_id', 'online']);
});

test('type 3 is exactly {lock_id, remain} with remain in percent, one decimal', { tag: '@PUSH-01' }, async ({ pushes, session, locks }) => {
  const lockH = locks.get('lowBattery', 'set');
  const lock = lockH.id;
  await lockH.set({ battery_pct: 15.3 });
  const mine = to(session.app.appId, 3, { lockId: lock });
  await pushes.waitFor(mine, { timeoutMs: 3000, what: 'low battery' });
  const got = await pushes.settled(mine, 200);
  expect(got.map((p) => p.body)).toEqual([{ type: 3, data: { lock_id: lock, remain: 15.3 } }]);
  expect(Object.keys(got[0]!.body.data).sort()).toEqual(['lock_id', 'remain']);
});

test('a receiver answering 500 twice, then 200, gets the message exactly once', { tag: '@PUSH-02' }, async ({ api, fleet, pushes, session }) => {
  const lock = fleet.need('main');
  const mine = to(session.app.appId, 2, { lockId: lock });
  // Let any earlier delivery finish so the two failures fall on this message.
  await pushes.settled(() => true, 100);
  for (const [round, status] of [[1, 500], [2, 503]] as const) {
    await pushes.failNext(2, status);
    expect(await api.open(lock)).toBeOutcome('ok');
    await pushes.waitFor(mine, { count: round, timeoutMs: 3000, what: `unlock ${round} after two ${status}s` });
    expect(await pushes.settled(mine, 300), `after two ${status}s`).toHaveLength(round);
  }
});

test('retried deliveries keep the order of the lock events', { tag: '@PUSH-02' }, async ({ api, pushes, session, clock, locks }) => {
  const lockH = locks.get('main', 'keypad');
  const lock = lockH.id;
  const mine = to(session.app.appId, 2, { lockId: lock });
  const slot = slotOf(await clock.now()) + 1;
  await clock.set(slot * 300 + 10);
  const res = await api.pwdGet(lock, slot * 300);
  expect(res).toBeOutcome('ok');
  const code = res.envelope!.data!.password;
  await pushes.settled(() => true, 100);
  // The first event waits 20 + 40 ms in back-off while the next two are queued behind it.
  await pushes.failNext(2);
  // A lock on real time (DESIGN §11) turns its second when its own RTC does, up to 1 s after a sync:
  // events 3 s apart keep their order distinct whatever the phase; a frozen lock logs exactly 1 s apart.
  const stepS = lockH.realTime ? 3 : 1;
  for (let i = 0; i < 3; i++) {
    if (i > 0) await clock.advance(stepS);
    expect(await lockH.keypad(code)).toBe('ok');
  }
  await pushes.waitFor(mine, { count: 3, timeoutMs: 3000, what: 'three keypad unlocks' });
  const got = await pushes.settled(mine, 300);
  expect(got).toHaveLength(3);
  const times = got.map((p) => Date.parse(`${String(p.body.data.time).replace(' ', 'T')}Z`) / 1000);
  const offsets = times.map((t) => t - times[0]!);
  const what = `pushed times ${got.map((p) => p.body.data.time).join(', ')}`;
  if (!lockH.realTime) expect(offsets, what).toEqual([0, 1, 2]);
  else for (const i of [1, 2]) expect(Math.abs(offsets[i]! - i * stepS), what).toBeLessThanOrEqual(1);
  for (const p of got) expect(unlockOf(p)).toEqual({ mode: 1, result: 1, uid: 0 });
});

test('keypad (mode 1) and bluetooth (mode 2) unlocks are pushed with their uid; a wrong code with result 2', { tag: '@PUSH-03' }, async ({ api, pushes, session, locks }) => {
  const lockH = locks.get('main', 'ble', 'keypad');
  const lock = lockH.id;
  const mine = to(session.app.appId, 2, { lockId: lock });
  const now = Math.floor(await session.now());
  const temp = await api.pwdGet(lock, slotOf(now) * 300);
  expect(temp).toBeOutcome('ok');
  const user = await api.v2PwdGet(lock, 4321, now, 3600);
  expect(user).toBeOutcome('ok');
  const tempCode = temp.envelope!.data!.password;
  const userCode = user.envelope!.data!.password;
  const wrong = ['000000', '111111', '222222'].find((c) => c !== tempCode && c !== userCode)!;

  expect(await lockH.keypad(tempCode)).toBe('ok');
  expect(await lockH.keypad(userCode)).toBe('ok');
  expect(await lockH.keypad(wrong)).toBe('bad_password');
  expect(await lockH.ble(100001)).toBe('ok');

  await pushes.waitFor(mine, { count: 4, timeoutMs: 3000, what: 'four unlocks' });
  const got = await pushes.settled(mine, 200);
  expect(got.map(unlockOf)).toEqual([
    { mode: 1, result: 1, uid: 0 },
    { mode: 1, result: 1, uid: 4321 },
    { mode: 1, result: 2, uid: 0 },
    { mode: 2, result: 1, uid: 100001 },
  ]);
  for (const p of got) expect(p.body.data.time).toMatch(TIME);
});

test('a refused bluetooth unlock (jammed motor) is pushed with result 2', { tag: '@PUSH-03' }, async ({ pushes, session, locks }) => {
  const lockH = locks.get('main', 'ble', 'set');
  const lock = lockH.id;
  const mine = to(session.app.appId, 2, { lockId: lock });
  await lockH.set({ jammed: true });
  expect(await lockH.ble(7)).toBe('jammed');
  await lockH.set({ jammed: false });
  expect(await lockH.ble(8)).toBe('ok');
  await pushes.waitFor(mine, { count: 2, timeoutMs: 3000, what: 'two bluetooth unlocks' });
  expect((await pushes.settled(mine, 200)).map(unlockOf)).toEqual([
    { mode: 2, result: 2, uid: 7 },
    { mode: 2, result: 1, uid: 8 },
  ]);
});
