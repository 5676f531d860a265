import { test, expect, expectLockoutEnds, pushOf, startLockout } from '../harness/fixtures/index.ts';

// TEST-PLAN STATE — lock state and low-battery pushes (DESIGN §3.3 state/get, §3.4 type 3, §5.4).

const DAY_S = 86_400;

test('state/get reflects tamper and low_voltage live', { tag: '@STATE-01' }, async ({ api, locks }) => {
  const lockH = locks.get('main', 'set');
  const lock = lockH.id;
  const state = async () => {
    const res = await api.stateGet(lock);
    expect(res).toBeOutcome('ok');
    return res.envelope!.data;
  };
  expect(await state()).toEqual({ lock_id: lock, online: true, is_abnormal: false, low_voltage: false });
  await lockH.set({ tamper: true });
  expect(await state()).toEqual({ lock_id: lock, online: true, is_abnormal: true, low_voltage: false });
  await lockH.set({ tamper: false, battery_pct: 19.5 });
  expect(await state()).toEqual({ lock_id: lock, online: true, is_abnormal: false, low_voltage: true });
  await lockH.set({ battery_pct: 20.5 });
  expect(await state()).toEqual({ lock_id: lock, online: true, is_abnormal: false, low_voltage: false });
});

test('a keypad lockout makes the lock abnormal until it ends', { tag: '@STATE-01' }, async ({ api, clock, locks }) => {
  const lockH = locks.get('main', 'keypad', 'wrongCode', 'time', 'setTime');
  const lock = lockH.id;
  const code = lockH.wrongCode(await clock.now());
  const { attempts, seconds } = lockH.lockout;
  // DESIGN §5.4: after `attempts` wrong passwords in a row the keypad is locked out, is_abnormal meanwhile.
  for (let i = 0; i < attempts - 1; i++) expect(await lockH.keypad(code)).toBe('bad_password');
  expect((await api.stateGet(lock)).envelope?.data?.is_abnormal).toBe(false);
  const start = await startLockout(lockH, () => lockH.keypad(code));
  expect(start.result).toBe('bad_password');
  const during = await api.stateGet(lock);
  expect(during).toBeOutcome('ok');
  expect(during.envelope?.data).toEqual({ lock_id: lock, online: true, is_abnormal: true, low_voltage: false });
  // In lock time (DESIGN §5.4), exactly; a real-time lock that counts it otherwise is waited out (§11).
  await expectLockoutEnds(lockH, start, { what: 'is_abnormal', read: async () => (await api.stateGet(lock)).envelope?.data?.is_abnormal, locked: true, free: false });
});

test('gateway offline → online:false with the last known flags', { tag: '@STATE-01' }, async ({ api, fleet, gateways, locks }) => {
  const lockH = locks.get('main', 'set');
  const lock = lockH.id;
  await lockH.set({ tamper: true, battery_pct: 15 });
  // Learn the flags while online.
  expect((await api.stateGet(lock)).envelope?.data).toEqual({ lock_id: lock, online: true, is_abnormal: true, low_voltage: true });
  await gateways.set(fleet.need('mainGateway'), { online: false });
  const res = await api.stateGet(lock);
  expect(res).toBeOutcome('ok');
  expect(res.envelope?.data).toEqual({ lock_id: lock, online: false, is_abnormal: true, low_voltage: true });
  // What the lock does while its gateway is away cannot reach the cloud: the flags stay the last known.
  await lockH.set({ tamper: false, battery_pct: 80 });
  expect((await api.stateGet(lock)).envelope?.data).toEqual({ lock_id: lock, online: false, is_abnormal: true, low_voltage: true });
  await gateways.set(fleet.need('mainGateway'), { online: true });
  expect((await api.stateGet(lock)).envelope?.data).toEqual({ lock_id: lock, online: true, is_abnormal: false, low_voltage: false });
});

test('an unreachable lock or a partitioned gateway → online:false with the last known flags', { tag: '@STATE-01' }, async ({ api, fleet, gateways, locks }) => {
  const lockH = locks.get('main', 'set');
  const lock = lockH.id;
  await lockH.set({ tamper: true });
  expect((await api.stateGet(lock)).envelope?.data?.is_abnormal).toBe(true);
  await lockH.set({ reachable: false });
  const cut = await api.stateGet(lock);
  expect(cut).toBeOutcome('ok');
  expect(cut.envelope?.data).toEqual({ lock_id: lock, online: false, is_abnormal: true, low_voltage: false });
  await lockH.set({ reachable: true });
  await gateways.set(fleet.need('mainGateway'), { partitioned: true });
  const t0 = performance.now();
  const silent = await api.stateGet(lock);
  expect(performance.now() - t0).toBeLessThan(1500);
  expect(silent).toBeOutcome('ok');
  expect(silent.envelope?.data).toEqual({ lock_id: lock, online: false, is_abnormal: true, low_voltage: false });
});

test('a lock behind no gateway has no state: 362', { tag: '@STATE-01' }, async ({ api, fleet }) => {
  expect(await api.stateGet(fleet.need('noAp'))).toBeOutcome('no_gateway');
});

test('idle drain under the threshold → low_voltage and exactly one type 3; more opens push no more', { tag: '@STATE-02' }, async ({ api, pushes, fleet, clock }) => {
  const lock = fleet.need('lowBattery');
  const low = pushOf(3, { lockId: lock });
  expect((await api.stateGet(lock)).envelope?.data?.low_voltage).toBe(false);
  // 20.05 % − 0.02 %/day: still above after 2 days (20.01), below after 3 (19.99).
  await clock.advance(2 * DAY_S);
  expect((await api.stateGet(lock)).envelope?.data?.low_voltage).toBe(false);
  expect(await pushes.settled(low, 100)).toHaveLength(0);
  await clock.advance(DAY_S);
  const [push] = await pushes.waitFor(low, { what: 'type 3 after the battery fell under 20 %' });
  const remain = push!.body.data.remain as number;
  expect(Object.keys(push!.body.data).sort()).toEqual(['lock_id', 'remain']);
  expect(typeof remain).toBe('number');
  expect(remain).toBeLessThan(20);
  expect(remain).toBeGreaterThanOrEqual(19.8);
  // One decimal (DESIGN §3.4).
  expect(Math.abs(remain * 10 - Math.round(remain * 10))).toBeLessThan(1e-9);
  expect((await api.stateGet(lock)).envelope?.data?.low_voltage).toBe(true);
  for (let i = 0; i < 3; i++) expect(await api.open(lock)).toBeOutcome('ok');
  expect(await pushes.settled(low)).toHaveLength(1);
});

test('an open that crosses the threshold pushes type 3 once; re-armed after a recharge', { tag: '@STATE-02' }, async ({ api, pushes, locks }) => {
  const lockH = locks.get('lowBattery', 'set');
  const lock = lockH.id;
  const low = pushOf(3, { lockId: lock });
  // One actuation (0.01 %) from the threshold: the open itself crosses it.
  await lockH.set({ battery_pct: 20.005 });
  expect(await api.open(lock)).toBeOutcome('ok');
  const [first] = await pushes.waitFor(low, { what: 'type 3 after the open' });
  expect(first!.body.data.remain).toBeLessThan(20);
  expect((await api.stateGet(lock)).envelope?.data?.low_voltage).toBe(true);
  expect(await api.open(lock)).toBeOutcome('ok');
  expect(await pushes.settled(low)).toHaveLength(1);

  await lockH.set({ battery_pct: 80 });
  expect((await api.stateGet(lock)).envelope?.data?.low_voltage).toBe(false);
  expect(await pushes.settled(low, 100)).toHaveLength(1);
  await lockH.set({ battery_pct: 20.005 });
  expect(await api.open(lock)).toBeOutcome('ok');
  const both = await pushes.waitFor(low, { count: 2, what: 'a second type 3 after recharge and fall' });
  expect(both[1]!.body.data).toEqual({ lock_id: lock, remain: expect.any(Number) });
  expect(both[1]!.body.data.remain).toBeLessThan(20);
  expect(await pushes.settled(low)).toHaveLength(2);
});
