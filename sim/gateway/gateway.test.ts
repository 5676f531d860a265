import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { Broker } from '../broker/broker.ts';
import type { LockEvent, LockOp } from '../protocol/index.ts';
import type { LockAnswer } from '../lock/types.ts';
import { VirtualGateway } from './gateway.ts';
import type { GatewayOptions } from './gateway-options.ts';
import { DEFECTS } from '../defects.ts';
import { waitUntil } from '../io/index.ts';
import type { LockLink } from './link.ts';
import { RadioLink } from './radio-link.ts';
import { CloudProbe, FakeLock, type Received } from './gateway.test-kit.ts';

const AP = 7;
const LOCK = 1000001;
const WAIT_MS = 500;
const T = { timeout: 5000 };

interface World {
  broker: Broker;
  probe: CloudProbe;
  gw: VirtualGateway;
  lock: FakeLock;
}

async function withWorld(opts: Partial<GatewayOptions>, body: (w: World) => Promise<void>): Promise<void> {
  const broker = await Broker.create({ cloudPassword: 'cloud-pw', gatewaySecret: (id) => (id === AP ? 'gw-secret' : undefined) });
  const probe = await CloudProbe.connect(broker.url, 'cloud-pw');
  const lock = new FakeLock(LOCK);
  let gw: VirtualGateway | undefined;
  try {
    gw = await VirtualGateway.create({ apId: AP, secret: 'gw-secret', mqttUrl: broker.url, links: [new RadioLink(lock)], ...opts });
    await body({ broker, probe, gw, lock });
  } finally {
    await gw?.close();
    await probe.close();
    await broker.close();
  }
}

const ackOf = (id: string) => (m: Received): boolean =>
  m.topic === `kexin/v1/gw/${AP}/ack` && (m.body as { id?: string }).id === id;
const statusIs = (online: boolean) => (m: Received): boolean =>
  m.topic === `kexin/v1/gw/${AP}/status` && (m.body as { online?: boolean }).online === online;
const unlockCmd = (id: string, lockId = LOCK) => ({ id, lock_id: lockId, op: 'unlock', args: { uid: 5 } });
const unlockEvent: LockEvent = { type: 'unlock', lock_id: LOCK, mode: 1, result: 1, uid: 0, lock_time: 1700000000 };

/** Resolve after `ms` real milliseconds — only to let messages that must NOT arrive have their chance. */
const settle = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('create connects, subscribes and publishes retained {"online":true}', T, async () => {
  await withWorld({}, async ({ probe, gw, broker }) => {
    assert.equal(gw.online, true);
    assert.equal(gw.apId, AP);
    assert.equal(broker.stats.clients, 2);
    const status = await probe.waitFor(statusIs(true), WAIT_MS, 'status online');
    assert.deepEqual(status.body, { online: true });
  });
});

test('a command gets its ack with the lock answer; RTT logged to check Nagle is off', T, async (t: TestContext) => {
  await withWorld({}, async ({ probe, gw, lock }) => {
    lock.answer = (op) => (op.op === 'state' ? { result: 'ok', data: { is_abnormal: false, low_voltage: true } } : { result: 'jammed', data: {} });
    await probe.send(AP, unlockCmd('c1'));
    assert.deepEqual((await probe.waitFor(ackOf('c1'), WAIT_MS)).body, { id: 'c1', lock_id: LOCK, result: 'jammed', data: {} });
    assert.deepEqual(lock.ops, [{ op: 'unlock', args: { uid: 5 } }]);
    const rtts: number[] = [];
    for (let i = 0; i < 20; i++) {
      const started = performance.now();
      await probe.send(AP, { id: `s${i}`, lock_id: LOCK, op: 'state', args: {} });
      const ack = await probe.waitFor(ackOf(`s${i}`), WAIT_MS);
      rtts.push(performance.now() - started);
      assert.deepEqual(ack.body, { id: `s${i}`, lock_id: LOCK, result: 'ok', data: { is_abnormal: false, low_voltage: true } });
    }
    rtts.sort((a, b) => a - b);
    t.diagnostic(`cmd→ack RTT over loopback: median ${rtts[10]!.toFixed(2)} ms, max ${rtts[19]!.toFixed(2)} ms (Nagle on would be ~40–88 ms)`);
    assert.equal(gw.stats.commands, 21);
  });
});

for (const [order, first] of [['ack-first', 'ack'], ['events-first', 'event']] as const) {
  test(`event order ${order}: the ${first} of an unlock leaves first, and both arrive (DESIGN §4 leaves the order open)`, T, async () => {
    await withWorld({ eventOrder: order }, async ({ probe, lock }) => {
      lock.answer = () => {
        lock.emit(unlockEvent);
        return { result: 'ok', data: {} };
      };
      await probe.send(AP, unlockCmd('o1'));
      await probe.waitFor(ackOf('o1'), WAIT_MS);
      await probe.waitFor((m) => m.topic === `kexin/v1/gw/${AP}/event`, WAIT_MS, 'the unlock event');
      const kinds = probe.received.map((m) => m.topic.split('/').pop()).filter((k) => k === 'ack' || k === 'event');
      assert.deepEqual(kinds, first === 'ack' ? ['ack', 'event'] : ['event', 'ack']);
    });
  });
}

test('a lock the gateway does not reach answers unreachable; removeLink detaches it', T, async () => {
  await withWorld({}, async ({ probe, gw, lock }) => {
    await probe.send(AP, unlockCmd('u1', 4242));
    assert.deepEqual((await probe.waitFor(ackOf('u1'), WAIT_MS)).body, { id: 'u1', lock_id: 4242, result: 'unreachable', data: {} });
    gw.removeLink(LOCK);
    assert.equal(lock.listenerCount, 0);
    await probe.send(AP, unlockCmd('u2'));
    assert.equal(((await probe.waitFor(ackOf('u2'), WAIT_MS)).body as { result: string }).result, 'unreachable');
    assert.equal(lock.ops.length, 0);
    lock.reachable = false;
    gw.addLink(new RadioLink(lock));
    await probe.send(AP, unlockCmd('u3'));
    assert.equal(((await probe.waitFor(ackOf('u3'), WAIT_MS)).body as { result: string }).result, 'unreachable');
  });
});

test('a redelivered id acts once and gets the same ack again (GW-04)', T, async () => {
  await withWorld({}, async ({ probe, gw, lock }) => {
    let n = 0;
    lock.answer = () => ({ result: 'ok', data: { n: ++n } });
    await probe.send(AP, unlockCmd('r1'));
    await probe.waitFor(ackOf('r1'), WAIT_MS);
    await probe.send(AP, unlockCmd('r1'));
    await probe.waitFor((m) => probe.on(AP, 'ack').length === 2 && ackOf('r1')(m), WAIT_MS, 'second ack');
    const acks = probe.on(AP, 'ack');
    assert.deepEqual(acks[1]!.body, acks[0]!.body);
    assert.deepEqual(acks[0]!.body, { id: 'r1', lock_id: LOCK, result: 'ok', data: { n: 1 } });
    assert.equal(lock.ops.length, 1);
    assert.deepEqual(gw.stats, { commands: 2, duplicates: 1, dropped: 0, events: 0, eventsDropped: 0, eventsHeldBack: 0 });
  });
});

/** A link whose answers the test releases by hand. */
class HeldLink implements LockLink {
  readonly requests: { op: LockOp; release: (a: LockAnswer) => void }[] = [];
  constructor(readonly lockId: number) {}
  request(op: LockOp): Promise<LockAnswer> {
    return new Promise((release) => this.requests.push({ op, release }));
  }
  onEvent(): () => void {
    return () => {};
  }
  async close(): Promise<void> {
    for (const r of this.requests) r.release({ result: 'error', data: {} });
  }
}

test('a repeated id still in progress is ignored; one ack when it finishes', T, async () => {
  const held = new HeldLink(LOCK);
  await withWorld({ links: [held] }, async ({ probe, gw }) => {
    await probe.send(AP, unlockCmd('p1'));
    await probe.send(AP, unlockCmd('p1'));
    // Bounded, not a fixed sleep: the second copy has been handled once it is counted.
    await waitUntil('the repeated id counted', () => gw.stats.duplicates >= 1, { timeoutMs: WAIT_MS });
    assert.equal(held.requests.length, 1);
    assert.equal(gw.stats.duplicates, 1);
    held.requests[0]!.release({ result: 'ok', data: {} });
    await probe.waitFor(ackOf('p1'), WAIT_MS);
    await settle(100);
    assert.equal(probe.on(AP, 'ack').length, 1);
  });
});

test('a link that never answers is bounded: ack unreachable after lockTimeoutMs + margin', T, async () => {
  const held = new HeldLink(LOCK);
  await withWorld({ links: [held], lockTimeoutMs: 50 }, async ({ probe }) => {
    const started = performance.now();
    await probe.send(AP, unlockCmd('t1'));
    const ack = await probe.waitFor(ackOf('t1'), 1500);
    assert.equal((ack.body as { result: string }).result, 'unreachable');
    assert.ok(performance.now() - started >= 50);
  });
});

test('malformed cmd payloads are dropped and counted; the gateway keeps serving', T, async () => {
  await withWorld({}, async ({ probe, gw, lock }) => {
    const bad = ['not json', '[]', '{}', '{"id":"x","lock_id":0,"op":"unlock"}', '{"id":"x","lock_id":1,"op":"fly"}', '{"id":"","lock_id":1,"op":"state"}'];
    for (const b of bad) await probe.send(AP, b);
    await probe.send(AP, unlockCmd('ok1'));
    await probe.waitFor(ackOf('ok1'), WAIT_MS);
    assert.equal(gw.stats.dropped, bad.length);
    assert.equal(gw.stats.commands, 1);
    assert.equal(probe.on(AP, 'ack').length, 1);
    assert.equal(lock.ops.length, 1);
  });
});

test('partitioned: no ack within 300 ms, events buffered; healed: served again and the events delivered', T, async () => {
  await withWorld({}, async ({ probe, gw, lock }) => {
    gw.partitioned = true;
    await probe.send(AP, unlockCmd('x1'));
    lock.emit(unlockEvent);
    await assert.rejects(probe.waitFor(ackOf('x1'), 300), /timed out/);
    assert.equal(lock.ops.length, 0);
    assert.equal(gw.stats.dropped, 1, 'the command is dropped');
    assert.equal(probe.on(AP, 'event').length, 0);
    assert.equal(gw.online, true, 'a partitioned gateway stays connected');
    gw.partitioned = false;
    await probe.waitFor(() => probe.on(AP, 'event').length === 1, WAIT_MS, 'the buffered event');
    await probe.send(AP, unlockCmd('x1'));
    await probe.waitFor(ackOf('x1'), WAIT_MS);
    assert.equal(lock.ops.length, 1);
  });
});

test('events carry a strictly increasing event_id, kept across reconnects; offline events are delivered in order on reconnect', T, async () => {
  await withWorld({}, async ({ probe, gw, lock }) => {
    lock.emit(unlockEvent);
    lock.emit({ type: 'battery', lock_id: LOCK, battery_pct: 19.5, low_voltage: true });
    await probe.waitFor(() => probe.on(AP, 'event').length === 2, WAIT_MS, 'two events');
    await gw.setOnline(false);
    lock.emit(unlockEvent);
    lock.emit({ type: 'battery', lock_id: LOCK, battery_pct: 18, low_voltage: true });
    await gw.setOnline(true);
    lock.emit({ type: 'tamper', lock_id: LOCK, is_abnormal: true });
    await probe.waitFor(() => probe.on(AP, 'event').length === 5, WAIT_MS, 'five events');
    const events = probe.on(AP, 'event').map((m) => m.body as { event_id: number; type: string });
    assert.deepEqual(events.map((e) => [e.event_id, e.type]), [[1, 'unlock'], [2, 'battery'], [3, 'unlock'], [4, 'battery'], [5, 'tamper']]);
    assert.deepEqual(probe.on(AP, 'event')[0]!.body, { ...unlockEvent, event_id: 1 });
    assert.deepEqual({ events: gw.stats.events, dropped: gw.stats.dropped, eventsDropped: gw.stats.eventsDropped }, { events: 5, dropped: 0, eventsDropped: 0 });
  });
});

test('the offline event buffer is bounded: the oldest are dropped, counted and logged; an abrupt loss buffers too', T, async () => {
  const logged: string[] = [];
  await withWorld({ eventBufferMax: 3, reconnectPeriodMs: 50, log: (l) => void logged.push(l) }, async ({ probe, gw, lock }) => {
    gw.kill(false);
    for (let i = 1; i <= 5; i++) lock.emit({ ...unlockEvent, uid: i });
    assert.equal(gw.stats.eventsDropped, 2);
    await gw.setOnline(true);
    await probe.waitFor(() => probe.on(AP, 'event').length === 3, WAIT_MS, 'the three kept events');
    assert.deepEqual(probe.on(AP, 'event').map((m) => (m.body as { uid: number }).uid), [3, 4, 5]);
    // DESIGN §3.3: an outage's loss is said, once when it begins and its total when it ends.
    assert.equal(logged.length, 2, logged.join('\n'));
    assert.match(logged[0]!, /uplink down .* dropping the oldest/);
    assert.match(logged[1]!, /2 events were dropped during the outage/);
    gw.kill(); // reconnects by itself after reconnectPeriodMs
    lock.emit({ ...unlockEvent, uid: 6 });
    await probe.waitFor(() => probe.on(AP, 'event').length === 4, 2000, 'the event after the automatic reconnect');
  });
});

test('kill(): the broker fires the retained {"online":false} will; the gateway reconnects', T, async () => {
  await withWorld({}, async ({ probe, gw }) => {
    await probe.waitFor(statusIs(true), WAIT_MS);
    const before = probe.received.length;
    gw.kill();
    await probe.waitFor((m) => probe.received.indexOf(m) >= before && statusIs(false)(m), WAIT_MS, 'will');
    const offAt = probe.received.findIndex((m, i) => i >= before && statusIs(false)(m));
    await probe.waitFor((m) => probe.received.indexOf(m) > offAt && statusIs(true)(m), 1500, 'back online');
    assert.equal(gw.online, true);
    await probe.send(AP, unlockCmd('k1'));
    await probe.waitFor(ackOf('k1'), WAIT_MS);
  });
});

test('kill(false) stays down until setOnline(true); the will is retained', T, async () => {
  await withWorld({}, async ({ probe, gw, broker }) => {
    gw.kill(false);
    await probe.waitFor(statusIs(false), WAIT_MS, 'will');
    const late = await CloudProbe.connect(broker.url, 'cloud-pw');
    try {
      const seen = await late.waitFor((m) => m.topic === `kexin/v1/gw/${AP}/status`, WAIT_MS, 'retained status');
      assert.deepEqual(seen, { topic: `kexin/v1/gw/${AP}/status`, body: { online: false }, retain: true });
    } finally {
      await late.close();
    }
    await settle(400);
    assert.equal(gw.online, false);
    assert.equal(probe.received.filter(statusIs(true)).length, 1);
    await gw.setOnline(true);
    assert.equal(gw.online, true);
    await probe.waitFor(() => probe.received.filter(statusIs(true)).length === 2, WAIT_MS, 'online again');
  });
});

test('setOnline(false) publishes {"online":false} then disconnects cleanly; true comes back', T, async () => {
  await withWorld({}, async ({ probe, gw, broker }) => {
    await gw.setOnline(false);
    assert.equal(gw.online, false);
    const statuses = () => probe.on(AP, 'status').map((m) => (m.body as { online: boolean }).online);
    await probe.waitFor(statusIs(false), WAIT_MS);
    await probe.waitFor(() => broker.stats.clients === 1, WAIT_MS, 'gateway gone');
    await settle(300);
    assert.deepEqual(statuses(), [true, false], 'no reconnect after a clean disconnect');
    await probe.send(AP, unlockCmd('o1'));
    await assert.rejects(probe.waitFor(ackOf('o1'), 200));
    await gw.setOnline(true);
    assert.equal(gw.online, true);
    await probe.waitFor(() => statuses().length === 3, WAIT_MS);
    assert.deepEqual(statuses(), [true, false, true]);
  });
});

test('latencyMs delays acting and the ack', T, async () => {
  await withWorld({}, async ({ probe, gw }) => {
    gw.latencyMs = 60;
    const started = performance.now();
    await probe.send(AP, unlockCmd('l1'));
    await probe.waitFor(ackOf('l1'), WAIT_MS);
    assert.ok(performance.now() - started >= 115, 'latency before acting and before the ack');
  });
});

test('a wrong secret makes create reject; close ends for good', T, async () => {
  const broker = await Broker.create({ cloudPassword: 'cloud-pw', gatewaySecret: () => 'gw-secret' });
  try {
    await assert.rejects(VirtualGateway.create({ apId: AP, secret: 'wrong', mqttUrl: broker.url, connectTimeoutMs: 1000 }), /Bad username or password/);
    assert.equal(broker.stats.refusedConnect, 1);
    const gw = await VirtualGateway.create({ apId: AP, secret: 'gw-secret', mqttUrl: broker.url });
    await gw.close();
    await assert.rejects(gw.setOnline(true), /closed/);
    assert.equal(broker.stats.clients, 0);
  } finally {
    await broker.close();
  }
});

test('defect gateway-double-actuate: a redelivered id acts again', T, async () => {
  assert.equal(DEFECTS['gateway-double-actuate'].room, 'gateway');
  await withWorld({ defects: ['gateway-double-actuate'] }, async ({ probe, lock }) => {
    await probe.send(AP, unlockCmd('d1'));
    await probe.waitFor(ackOf('d1'), WAIT_MS);
    await probe.send(AP, unlockCmd('d1'));
    await probe.waitFor(() => probe.on(AP, 'ack').length === 2, WAIT_MS);
    assert.equal(lock.ops.length, 2);
  });
});

test('defect gateway-no-will: an abrupt loss leaves no {"online":false}', T, async () => {
  assert.equal(DEFECTS['gateway-no-will'].room, 'gateway');
  await withWorld({ defects: ['gateway-no-will'] }, async ({ probe, gw }) => {
    gw.kill(false);
    await assert.rejects(probe.waitFor(statusIs(false), 300));
  });
});

test('defect gateway-event-id-reuse: every event has the same event_id', T, async () => {
  assert.equal(DEFECTS['gateway-event-id-reuse'].room, 'gateway');
  await withWorld({ defects: ['gateway-event-id-reuse'] }, async ({ probe, lock }) => {
    lock.emit(unlockEvent);
    lock.emit(unlockEvent);
    await probe.waitFor(() => probe.on(AP, 'event').length === 2, WAIT_MS);
    const ids = probe.on(AP, 'event').map((m) => (m.body as { event_id: number }).event_id);
    assert.equal(ids[0], ids[1]);
  });
});
