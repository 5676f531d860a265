import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { AP, APP_ID, LOCK, LOCK2, startPushReceiver, startWorld, testApps, waitFor, FakeGateway, type TestWorld } from './cloud.test-kit.ts';
import { PushSender } from './push.ts';
import { newCloudStats } from './stats.ts';
import { formatLocalTime } from './events.ts';

type Receiver = Awaited<ReturnType<typeof startPushReceiver>>;

async function withPushWorld(statuses: number[], fn: (w: TestWorld, rx: Receiver) => Promise<void>): Promise<void> {
  const rx = await startPushReceiver(statuses);
  const w = await startWorld({ apps: testApps(rx.url) });
  try {
    await fn(w, rx);
  } finally {
    await w.close();
    await rx.close();
  }
}

const unlockEvent = (lock_id = LOCK, extra: Record<string, unknown> = {}) =>
  ({ type: 'unlock', lock_id, mode: 3, result: 1, uid: 0, lock_time: 1_700_000_000, ...extra }) as const;

test('PUSH-01: an unlock event is pushed as type 2 with the lock\'s time in UTC+8', () =>
  withPushWorld([], async (w, rx) => {
    await w.gw.event(unlockEvent(LOCK, { mode: 1, uid: 100001, lock_time: 1_700_000_000.9 }));
    await waitFor(() => rx.bodies.length === 1, 'the push');
    assert.deepEqual(rx.bodies[0], { type: 2, data: { lock_id: LOCK, result: 1, uid: 100001, mode: 1, time: '2023-11-15 06:13:20' } });
    assert.equal(formatLocalTime(0, 480), '1970-01-01 08:00:00');
    assert.equal(formatLocalTime(86_399, 0), '1970-01-01 23:59:59');
  }));

test('PUSH-02: a receiver answering 500 twice then 200 gets every message once, in order per lock', () =>
  withPushWorld([500, 500], async (w, rx) => {
    await w.gw.event(unlockEvent(LOCK, { uid: 1 }));
    await w.gw.event(unlockEvent(LOCK, { uid: 2 }));
    await w.gw.event(unlockEvent(LOCK, { uid: 3 }));
    await waitFor(() => rx.bodies.length === 3 && w.cloud.stats.pushesSent === 3, 'three pushes');
    assert.deepEqual(rx.bodies.map((b) => (b as { data: { uid: number } }).data.uid), [1, 2, 3]);
    assert.equal(rx.hits, 5);
    assert.deepEqual([w.cloud.stats.pushesSent, w.cloud.stats.pushRetries, w.cloud.stats.pushFailures], [3, 2, 0]);
  }));

test('PUSH: after every attempt fails the message is given up and the next one still goes', () =>
  withPushWorld([500, 503, 500], async (w, rx) => {
    await w.gw.event(unlockEvent(LOCK, { uid: 1 }));
    await w.gw.event(unlockEvent(LOCK, { uid: 2 }));
    await waitFor(() => rx.bodies.length === 1 && w.cloud.stats.pushesSent === 1, 'the second push');
    assert.equal((rx.bodies[0] as { data: { uid: number } }).data.uid, 2);
    assert.equal(w.cloud.stats.pushFailures, 1);
  }));

test('GW-04: a redelivered event (same event_id) is pushed once', () =>
  withPushWorld([], async (w, rx) => {
    await w.gw.event({ ...unlockEvent(), event_id: 41 });
    await w.gw.event({ ...unlockEvent(), event_id: 41 });
    await w.gw.event({ ...unlockEvent(LOCK2), event_id: 42 });
    await waitFor(() => rx.bodies.length === 2 && w.cloud.stats.eventsDuplicate === 1, 'two pushes and one duplicate');
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(rx.bodies.length, 2);
  }));

test('STATE-02: a battery falling low pushes type 3 once, re-armed when it recovers; flags follow events', () =>
  withPushWorld([], async (w, rx) => {
    await w.gw.event({ type: 'battery', lock_id: LOCK, battery_pct: 12.345, low_voltage: true });
    await w.gw.event({ type: 'battery', lock_id: LOCK, battery_pct: 12.2, low_voltage: true });
    await w.gw.event({ type: 'tamper', lock_id: LOCK, is_abnormal: true });
    await w.gw.event({ type: 'battery', lock_id: LOCK, battery_pct: 90, low_voltage: false });
    await w.gw.event({ type: 'battery', lock_id: LOCK, battery_pct: 19.96, low_voltage: true });
    await waitFor(() => rx.bodies.length === 2, 'two type 3 pushes');
    assert.deepEqual(rx.bodies, [{ type: 3, data: { lock_id: LOCK, remain: 12.3 } }, { type: 3, data: { lock_id: LOCK, remain: 20 } }]);
    await w.gw.status(false);
    await waitFor(() => !w.cloud.gatewayOnline(AP), 'offline');
    const s = await w.call('/third/lock/state/get', { app_id: APP_ID, lock_id: LOCK });
    assert.deepEqual(s.body.data, { lock_id: LOCK, online: false, is_abnormal: true, low_voltage: true });
  }));

test('GW-05: clean disconnect, reconnect and a dropped connection (will) push type 1; the retained state at start pushes nothing', () =>
  withPushWorld([], async (w, rx) => {
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(rx.bodies.length, 0, 'no push for the initial retained status');
    await w.gw.stop();
    await waitFor(() => rx.bodies.length === 1, 'the offline push');
    const gw2 = await FakeGateway.start(w.brokerUrl);
    await waitFor(() => rx.bodies.length === 2, 'the online push');
    assert.deepEqual(rx.bodies, [{ type: 1, data: { ap_id: AP, online: false } }, { type: 1, data: { ap_id: AP, online: true } }]);
    await gw2.kill();
    await waitFor(() => rx.bodies.length === 3, 'the offline push from the will');
    assert.deepEqual(rx.bodies[2], { type: 1, data: { ap_id: AP, online: false } });
    assert.equal(w.cloud.gatewayOnline(AP), false);
  }));

test('losing the broker makes every gateway offline; reconnecting re-reads the retained status and pushes only real changes', () =>
  withPushWorld([], async (w, rx) => {
    w.dropBrokerClient('cloud-');
    await waitFor(() => !w.cloud.gatewayOnline(AP), 'the gateway to count as offline');
    assert.equal((await w.call('/third/lock/open', { app_id: APP_ID, lock_id: LOCK, attach: '' })).body.code, 360);
    await waitFor(() => w.cloud.gatewayOnline(AP), 'the reconnect', 4000);
    assert.equal((await w.call('/third/lock/open', { app_id: APP_ID, lock_id: LOCK, attach: '' })).body.code, 200);
    assert.equal(rx.hits, 0, 'the gateway never changed state');
    w.dropBrokerClient('cloud-');
    await waitFor(() => !w.cloud.gatewayOnline(AP), 'the gateway to count as offline again');
    await w.gw.status(false);
    await waitFor(() => rx.bodies.length === 1, 'the change seen after reconnecting', 4000);
    assert.deepEqual(rx.bodies, [{ type: 1, data: { ap_id: AP, online: false } }]);
  }));

test('events for locks not behind the gateway are dropped and counted', () =>
  withPushWorld([], async (w, rx) => {
    await w.gw.event(unlockEvent(999));
    await waitFor(() => w.cloud.stats.mqttDropped === 1, 'the drop');
    assert.equal(rx.hits, 0);
  }));

test('a receiver that never answers does not slow the API', async () => {
  const hung = createServer(() => undefined);
  await new Promise<void>((r) => hung.listen(0, '127.0.0.1', r));
  const w = await startWorld({ apps: testApps(`http://127.0.0.1:${(hung.address() as { port: number }).port}/`), push: { timeoutMs: 2000 } });
  try {
    for (let i = 0; i < 5; i++) await w.gw.event(unlockEvent(LOCK, { uid: i }));
    const t0 = performance.now();
    for (let i = 0; i < 5; i++) assert.equal((await w.call('/third/lock/open', { app_id: APP_ID, lock_id: LOCK, attach: '' })).body.code, 200);
    // Awaiting a push would cost its 2000 ms timeout per call.
    assert.ok(performance.now() - t0 < 1500);
  } finally {
    await w.close();
    hung.closeAllConnections();
    await new Promise((r) => hung.close(r));
  }
});

test('PushSender: a full queue drops its oldest waiting message and counts it', async () => {
  const rx = await startPushReceiver([]);
  const stats = newCloudStats();
  const sink = new PushSender({ attempts: 1, backoffMs: 1, timeoutMs: 500, maxQueued: 2, stats });
  try {
    for (let i = 1; i <= 5; i++) sink.enqueue('k', rx.url, { type: 3, data: { lock_id: i, remain: 1 } });
    await waitFor(() => stats.pushesSent === 3, 'three deliveries');
    assert.equal(stats.pushDropped, 2);
    assert.deepEqual(rx.bodies.map((b) => (b as { data: { lock_id: number } }).data.lock_id), [1, 4, 5]);
  } finally {
    await sink.close();
    await rx.close();
  }
});
