import { test, expect, pushOf } from '../harness/fixtures/index.ts';
import type { InboxPush, LockWith } from '../harness/targets/core/facets.ts';
import { gatewayTopic, MODE, wireOf, type LockEvent } from '../sim/protocol/index.ts';
import { openAtOnce } from './steps.test-kit.ts';

// TEST-PLAN GW — remote open through the gateway (DESIGN §3.3 open, §3.4 pushes, §4 gateway link).

type UnlockEvent = Extract<LockEvent, { type: 'unlock' }>;

/** The unlock events a lock has recorded (control API `GET /locks/{id}`). */
async function unlocksOf(lock: LockWith<'state'>): Promise<UnlockEvent[]> {
  const events = (await lock.state()).events as LockEvent[];
  return events.filter((e): e is UnlockEvent => e.type === 'unlock');
}

/** DESIGN §3.4 type 2 `time`: the lock's clock as `YYYY-MM-DD HH:MM:SS` in UTC+8. */
function localTime(unixS: number): string {
  return new Date((unixS + 8 * 3600) * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

test('lock/open opens the lock, which logs a network unlock that is pushed as type 2', { tag: '@GW-01' }, async ({ api, pushes, locks }) => {
  const lockH = locks.get('main', 'state');
  const lock = lockH.id;
  const lockTime = Number((await lockH.state()).lock_time);
  expect(await api.open(lock, 'spec GW-01')).toBeOutcome('ok');
  const unlocks = await unlocksOf(lockH);
  expect(unlocks).toEqual([expect.objectContaining({ mode: MODE.network, result: 1 })]);
  const [push] = await pushes.waitFor(pushOf(2, { lockId: lock }), { what: 'type 2 for the network unlock' });
  expect(push!.body.data).toEqual({ lock_id: lock, result: 1, uid: 0, mode: MODE.network, time: localTime(lockTime) });
});

test('lock/open → 200 and a type 2 push of a network unlock at the lock clock (API, push and clock only)', { tag: '@GW-01' }, async ({ api, pushes, locks }) => {
  const lockH = locks.get('main', 'time');
  const lock = lockH.id;
  const lockTime = await lockH.time();
  expect(await api.open(lock, 'spec GW-01')).toBeOutcome('ok');
  const [push] = await pushes.waitFor(pushOf(2, { lockId: lock }), { what: 'type 2 for the network unlock' });
  expect(push!.body.data).toEqual({ lock_id: lock, result: 1, uid: 0, mode: MODE.network, time: expect.any(String) });
  // The lock's clock at the unlock: the second read before it, or (a running device clock, DESIGN §11) the next.
  const times = lockH.realTime ? [localTime(lockTime), localTime(lockTime + 1)] : [localTime(lockTime)];
  expect(times, `pushed time ${push!.body.data.time}`).toContain(push!.body.data.time);
  expect(await pushes.settled(pushOf(2, { lockId: lock }))).toHaveLength(1);
});

test('a lock behind no gateway is 362, an unbound lock 355', { tag: '@GW-02' }, async ({ api, fleet }) => {
  expect(await api.open(fleet.need('noAp'))).toBeOutcome('no_gateway');
  expect(await api.open(fleet.need('unbound'))).toBeOutcome('not_bound');
});

test('not bound is checked before the gateway: an unbound lock behind an offline gateway is still 355', { tag: '@GW-02' }, async ({ api, fleet, gateways }) => {
  const unbound = fleet.need('unbound');
  await gateways.set(fleet.need('mainGateway'), { online: false });
  // DESIGN §3.3 open: 355 precedes 362 and 360.
  expect(await api.open(unbound)).toBeOutcome('not_bound');
});

test('gateway offline → 360 and the lock does not move', { tag: '@GW-02' }, async ({ api, fleet, gateways, locks }) => {
  const lockH = locks.get('main', 'state');
  const lock = lockH.id;
  await gateways.set(fleet.need('mainGateway'), { online: false });
  expect(await api.open(lock)).toBeOutcome('offline');
  expect(await unlocksOf(lockH)).toEqual([]);
});

test('lock unreachable by radio or powered off → 360', { tag: '@GW-02' }, async ({ api, locks }) => {
  const lockH = locks.get('main', 'set');
  const lock = lockH.id;
  await lockH.set({ reachable: false });
  expect(await api.open(lock)).toBeOutcome('offline');
  await lockH.set({ reachable: true });
  expect(await api.open(lock)).toBeOutcome('ok');
  await lockH.set({ power: 'off' });
  expect(await api.open(lock)).toBeOutcome('offline');
});

test('a jammed motor and a battery under cut-off → 359, logged as failed unlocks', { tag: '@GW-02' }, async ({ api, locks }) => {
  const lockH = locks.get('main', 'set', 'state');
  const lock = lockH.id;
  await lockH.set({ jammed: true });
  expect(await api.open(lock)).toBeOutcome('unlock_failed');
  await lockH.set({ jammed: false, battery_pct: 2 });
  expect(await api.open(lock)).toBeOutcome('unlock_failed');
  const unlocks = await unlocksOf(lockH);
  expect(unlocks.map((e) => [e.mode, e.result])).toEqual([[MODE.network, 2], [MODE.network, 2]]);
  // The refused motor spent nothing (DESIGN §5.4: the cost is per actuation).
  expect((await lockH.state()).battery_pct).toBe(2);
});

test('a partitioned gateway → 359 within the ack timeout plus margin', { tag: '@GW-02' }, async ({ api, fleet, gateways, locks }) => {
  const lockH = locks.get('main', 'state');
  const lock = lockH.id;
  await gateways.set(fleet.need('mainGateway'), { partitioned: true });
  const t0 = performance.now();
  const res = await api.open(lock);
  const elapsedMs = performance.now() - t0;
  expect(res).toBeOutcome('unlock_failed');
  // The sim's ack timeout is 400 ms; the answer must not wait for anything longer.
  expect(elapsedMs).toBeLessThan(1500);
  expect(await unlocksOf(lockH)).toEqual([]);
});

test('two concurrent opens of one lock → one 200 and one 365; the motor runs once', { tag: '@GW-03' }, async ({ api, fleet, gateways, locks }) => {
  const lockH = locks.get('main', 'state');
  const lock = lockH.id;
  // A slow gateway keeps the first command in flight (≥ 100 ms) while the second arrives.
  await gateways.set(fleet.need('mainGateway'), { latency_ms: 50 });
  const answers = await openAtOnce(api, [lock, lock]);
  const okCode = wireOf(answers[0]!.profile, 'ok').code;
  const oks = answers.filter((r) => r.envelope?.code === okCode);
  const others = answers.filter((r) => r.envelope?.code !== okCode);
  expect(oks, answers.map((r) => r.text).join(' | ')).toHaveLength(1);
  expect(oks[0]!).toBeOutcome('ok');
  expect(others[0]!).toBeOutcome('busy');
  expect(await unlocksOf(lockH)).toHaveLength(1);
});

test('opens of two locks behind the same gateway run in parallel', { tag: '@GW-03' }, async ({ api, fleet, gateways }) => {
  const [a, b] = [fleet.need('main'), fleet.need('sibling')];
  // Both commands are in flight together; "busy" is per lock (DESIGN §3.1 365), so neither may be refused.
  await gateways.set(fleet.need('mainGateway'), { latency_ms: 50 });
  const [ra, rb] = await openAtOnce(api, [a, b]);
  expect(ra!).toBeOutcome('ok');
  expect(rb!).toBeOutcome('ok');
});

test('opens of locks behind different gateways run in parallel', { tag: '@GW-03' }, async ({ api, fleet, gateways, locks }) => {
  const [mainGw, otherGw] = [fleet.need('mainGateway'), fleet.need('otherGateway')];
  const a = fleet.need('main');
  // The drifting lock sits behind the other gateway in the sim fleet; checked, not assumed.
  const bH = locks.get('drifting', 'state');
  const b = bH.id;
  expect((await bH.state()).ap_id).toBe(otherGw);
  await gateways.set(mainGw, { latency_ms: 50 });
  await gateways.set(otherGw, { latency_ms: 50 });
  const [ra, rb] = await openAtOnce(api, [a, b]);
  expect(ra!).toBeOutcome('ok');
  expect(rb!).toBeOutcome('ok');
});

test('one open actuates once: one unlock event, one push, one actuation of battery', { tag: '@GW-04' }, async ({ api, pushes, locks }) => {
  const lockH = locks.get('main', 'state');
  const lock = lockH.id;
  const before = Number((await lockH.state()).battery_pct);
  expect(await api.open(lock)).toBeOutcome('ok');
  await pushes.waitFor(pushOf(2, { lockId: lock }));
  expect(await pushes.settled(pushOf(2, { lockId: lock }))).toHaveLength(1);
  expect(await unlocksOf(lockH)).toHaveLength(1);
  // DESIGN §5.4: 0.01 per actuation; two actuations would show 0.02.
  expect(Number((await lockH.state()).battery_pct)).toBeCloseTo(before - 0.01, 6);
});

test('an event redelivered with the same event_id is pushed once', { tag: '@GW-04' }, async ({ api, pushes, fleet, needs }) => {
  const broker = needs('mqtt');
  const lock = fleet.need('main');
  const apId = fleet.need('mainGateway');
  const gw = broker.gateways.find((g) => g.apId === apId);
  test.skip(!gw, `no credentials for gateway ${apId}`);
  expect(await api.open(lock)).toBeOutcome('ok');
  await pushes.waitFor(pushOf(2, { lockId: lock }));

  // Speak as the gateway (its own event topic, its own credentials, another client id) and redeliver
  // one event: QoS 1 is at-least-once, so the cloud must dedup by event_id (DESIGN §3.4, §4).
  const uid = 4242;
  const event = { event_id: 4_000_000_000, lock_id: lock, type: 'unlock', mode: MODE.bluetooth, result: 1, uid, lock_time: 1_700_000_123 };
  const client = await broker.connect({
    protocolVersion: 4, username: `gw:${apId}`, password: gw!.secret, clientId: `spec-gw04-${apId}-${process.pid}-${Date.now()}`,
    reconnectPeriod: 0, connectTimeout: 2000,
  });
  try {
    for (let i = 0; i < 2; i++) await client.publishAsync(gatewayTopic(apId, 'event', broker.namespace), JSON.stringify(event), { qos: 1 });
  } finally {
    await client.endAsync();
  }
  const isInjected = (p: InboxPush): boolean => pushOf(2, { lockId: lock })(p) && p.body.data.uid === uid;
  await pushes.waitFor(isInjected, { what: 'the injected unlock event' });
  expect(await pushes.settled(isInjected)).toHaveLength(1);
  // The real open is still pushed once as well.
  expect(await pushes.settled((p) => pushOf(2, { lockId: lock })(p) && p.body.data.uid === 0, 0)).toHaveLength(1);
});

test('gateway disconnect and reconnect push type 1 false then true; state/get meanwhile is online:false', { tag: '@GW-05' }, async ({ api, pushes, fleet, session, gateways }) => {
  const lock = fleet.need('main');
  const apId = fleet.need('mainGateway');
  const mine = (online: boolean) => (p: InboxPush): boolean =>
    pushOf(1, { apId })(p) && p.app_id === session.app.appId && p.body.data.online === online;

  await gateways.set(apId, { online: false });
  const [off] = await pushes.waitFor(mine(false), { what: 'type 1 online:false' });
  expect(off!.body.data).toEqual({ ap_id: apId, online: false });
  const res = await api.stateGet(lock);
  expect(res).toBeOutcome('ok');
  expect(res.envelope?.data).toEqual({ lock_id: lock, online: false, is_abnormal: expect.any(Boolean), low_voltage: expect.any(Boolean) });

  await gateways.set(apId, { online: true });
  const [on] = await pushes.waitFor(mine(true), { what: 'type 1 online:true' });
  expect(on!.body.data).toEqual({ ap_id: apId, online: true });
  // In order, once each.
  const all = await pushes.settled((p) => pushOf(1, { apId })(p) && p.app_id === session.app.appId);
  expect(all.map((p) => p.body.data.online)).toEqual([false, true]);
  const back = await api.stateGet(lock);
  expect(back).toBeOutcome('ok');
  expect(back.envelope?.data?.online).toBe(true);
});

test('a gateway lost without DISCONNECT is reported offline through its will, then online again', { tag: '@GW-05' }, async ({ api, pushes, fleet, session, gateways }) => {
  const lock = fleet.need('main');
  const apId = fleet.need('mainGateway');
  const mine = (online: boolean) => (p: InboxPush): boolean =>
    pushOf(1, { apId })(p) && p.app_id === session.app.appId && p.body.data.online === online;
  // An abrupt loss publishes nothing itself: only the broker's will (DESIGN §4) can tell the cloud.
  await gateways.set(apId, { crash: true });
  await pushes.waitFor(mine(false), { what: 'type 1 online:false from the will' });
  expect(await api.open(lock)).toBeOutcome('offline');
  await gateways.set(apId, { online: true });
  await pushes.waitFor(mine(true), { what: 'type 1 online:true after reconnect' });
  expect(await api.open(lock)).toBeOutcome('ok');
});

test('a command delivered twice (QoS 1 redelivery) actuates once and is pushed once', { tag: '@GW-04' }, async ({ api, pushes, fleet, gateways, locks }) => {
  const lockH = locks.get('main', 'state');
  const lock = lockH.id;
  const before = Number((await lockH.state()).battery_pct);
  await gateways.set(fleet.need('mainGateway'), { redeliver_next: 1 });
  expect(await api.open(lock)).toBeOutcome('ok');
  await pushes.waitFor(pushOf(2, { lockId: lock }));
  // DESIGN §4: a repeated command id gets the same ack without acting again (settled() lets the second copy land).
  expect(await pushes.settled(pushOf(2, { lockId: lock }))).toHaveLength(1);
  expect(await unlocksOf(lockH)).toHaveLength(1);
  expect(Number((await lockH.state()).battery_pct)).toBeCloseTo(before - 0.01, 6);
});
