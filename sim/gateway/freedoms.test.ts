import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LockEvent } from '../protocol/index.ts';
import { isContractField } from './extra-fields.ts';
import { statusIs, withGateway, type Received } from './gateway.test-kit.ts';

// Issue 20: the choices DESIGN §4/§12 leave to a gateway (sim/variants/gateway.ts), each one the
// virtual gateway can make, so the gateway target is run against gateways that make them.

const AP = 9;
const LOCK = 1000001;
const WAIT_MS = 1000;
const T = { timeout: 8000 };
const unlockEvent: LockEvent = { type: 'unlock', lock_id: LOCK, mode: 1, result: 1, uid: 0, lock_time: 1700000000 };
const ackOf = (id: string) => (m: Received): boolean => m.topic === `kexin/v1/gw/${AP}/ack` && (m.body as { id?: string }).id === id;
const unlockCmd = (id: string) => ({ id, lock_id: LOCK, op: 'unlock', args: {} });


/** The body without the fields §4 does not name. */
const named = (body: unknown): Record<string, unknown> =>
  Object.fromEntries(Object.entries(body as Record<string, unknown>).filter(([k]) => isContractField(k)));
const extrasOf = (body: unknown): string[] => Object.keys(body as object).filter((k) => !isContractField(k));

test('extraFields: status, will, ack and event carry fields §4 does not name; §4\'s fields are as without them', T, async () => {
  await withGateway(AP, { extraFields: true }, async ({ probe, gw, lock }) => {
    const on = await probe.waitFor(statusIs(AP, true), WAIT_MS, 'status');
    assert.deepEqual(named(on.body), { online: true });
    assert.ok(extrasOf(on.body).length > 0, `extras on the status: ${JSON.stringify(on.body)}`);
    await probe.send(AP, unlockCmd('x1'));
    await probe.send(AP, unlockCmd('x1'));
    await probe.waitFor(() => probe.received.filter(ackOf('x1')).length === 2, WAIT_MS, 'two acks of x1');
    const [a, b] = probe.received.filter(ackOf('x1')).map((m) => m.body);
    assert.deepEqual(named(a), { id: 'x1', lock_id: LOCK, result: 'ok', data: {} });
    // DESIGN §4 "the same ack": the same in §4's fields; the extras (a message counter) may differ.
    assert.deepEqual(named(b), named(a));
    assert.notDeepEqual(b, a);
    lock.emit(unlockEvent);
    const ev = await probe.waitFor((m) => m.topic.endsWith('/event'), WAIT_MS, 'event');
    assert.deepEqual(named(ev.body), { ...unlockEvent, event_id: 1 });
    assert.ok(extrasOf(ev.body).length > 0);
    gw.kill(false);
    const will = await probe.waitFor(statusIs(AP, false), WAIT_MS, 'the will');
    assert.deepEqual(named(will.body), { online: false });
    assert.ok(extrasOf(will.body).length > 0, 'extras on the will');
  });
});

test('statusRepeats: every connection publishes {"online":true} retained 1 + N times', T, async () => {
  await withGateway(AP, { statusRepeats: 2 }, async ({ probe, gw }) => {
    await probe.waitFor(() => probe.received.filter(statusIs(AP, true)).length === 3, WAIT_MS, 'three online statuses');
    assert.ok(probe.received.filter(statusIs(AP, true)).every((m) => m.retain || probe.received.indexOf(m) >= 0));
    gw.kill();
    await probe.waitFor(() => probe.received.filter(statusIs(AP, true)).length === 6, 2000, 'three more after the reconnect');
  });
});

test('cleanSession false: a cmd sent while the gateway is away is kept by the broker and served on its return', T, async () => {
  await withGateway(AP, { cleanSession: false }, async ({ probe, gw }) => {
    gw.kill(false);
    await probe.waitFor(statusIs(AP, false), WAIT_MS, 'the will');
    await probe.send(AP, unlockCmd('while-away'));
    await gw.setOnline(true);
    await probe.waitFor(ackOf('while-away'), WAIT_MS, 'the ack of the queued cmd');
  });
});

test('cleanSession true (default): a cmd sent while away is lost — the next one is served, the lost one never acked', T, async () => {
  await withGateway(AP, {}, async ({ probe, gw }) => {
    gw.kill(false);
    await probe.waitFor(statusIs(AP, false), WAIT_MS, 'the will');
    await probe.send(AP, unlockCmd('while-away'));
    await gw.setOnline(true);
    await probe.send(AP, unlockCmd('after'));
    // In order on one connection: had the queued cmd come, its ack would be in before this one.
    await probe.waitFor(ackOf('after'), WAIT_MS, 'the ack of the next cmd');
    assert.equal(probe.received.filter(ackOf('while-away')).length, 0);
  });
});

test('ackLatencyMs: the gateway waits that long before acting, so the ack comes no sooner', T, async () => {
  await withGateway(AP, { ackLatencyMs: 300 }, async ({ probe, lock }) => {
    const t0 = performance.now();
    await probe.send(AP, unlockCmd('slow'));
    await probe.waitFor(ackOf('slow'), WAIT_MS, 'the ack');
    assert.ok(performance.now() - t0 >= 295, `ack after ${Math.round(performance.now() - t0)} ms`);
    assert.equal(lock.ops.length, 1);
  });
});

test('reconnectPeriodMs 0: reconnects at once after a loss (mqtt.js would read 0 as never)', T, async () => {
  await withGateway(AP, { reconnectPeriodMs: 0 }, async ({ probe, gw }) => {
    await probe.waitFor(statusIs(AP, true), WAIT_MS, 'online');
    gw.kill();
    await probe.waitFor(() => probe.received.filter(statusIs(AP, true)).length === 2, WAIT_MS, 'back online by itself');
  });
});
