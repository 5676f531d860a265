import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Broker } from '../broker/broker.ts';
import type { LockEvent } from '../protocol/index.ts';
import { VirtualGateway, GATEWAY_DEFECTS, type GatewayOptions } from './gateway.ts';
import { RadioLink } from './radio-link.ts';
import { CloudProbe, FakeLock, type Received } from './gateway.test-kit.ts';

// DESIGN §3.4 (a rebooted gateway's event ids), §4; TEST-PLAN GWP-01…04 on the virtual gateway.

const AP = 8;
const LOCK = 1000001;
const WAIT_MS = 1000;
const T = { timeout: 8000 };
const unlockEvent: LockEvent = { type: 'unlock', lock_id: LOCK, mode: 1, result: 1, uid: 0, lock_time: 1700000000 };
const statusIs = (online: boolean) => (m: Received): boolean =>
  m.topic === `kexin/v1/gw/${AP}/status` && (m.body as { online?: boolean }).online === online;

async function withGateway(opts: Partial<GatewayOptions>, body: (w: { probe: CloudProbe; gw: VirtualGateway; lock: FakeLock; broker: Broker }) => Promise<void>): Promise<void> {
  const broker = await Broker.create({ cloudPassword: 'cloud-pw', gatewaySecret: (id) => (id === AP ? 'gw-secret' : undefined) });
  const probe = await CloudProbe.connect(broker.url, 'cloud-pw');
  const lock = new FakeLock(LOCK);
  let gw: VirtualGateway | undefined;
  try {
    gw = await VirtualGateway.create({ apId: AP, secret: 'gw-secret', mqttUrl: broker.url, links: [new RadioLink(lock)], reconnectPeriodMs: 50, ...opts });
    await body({ probe, gw, lock, broker });
  } finally {
    await gw?.close();
    await probe.close();
    await broker.close();
  }
}

const eventIds = (probe: CloudProbe): number[] => probe.on(AP, 'event').map((m) => (m.body as { event_id: number }).event_id);

async function emitAndWait(probe: CloudProbe, lock: FakeLock, total: number): Promise<void> {
  lock.emit(unlockEvent);
  await probe.waitFor(() => probe.on(AP, 'event').length === total, WAIT_MS, `event ${total}`);
}

test('reboot: the will reports offline, the gateway comes back online and counts events from 1', T, async () => {
  await withGateway({}, async ({ probe, gw, lock }) => {
    await emitAndWait(probe, lock, 1);
    await emitAndWait(probe, lock, 2);
    await gw.reboot();
    await probe.waitFor(statusIs(false), WAIT_MS, 'the will');
    await probe.waitFor(() => probe.received.filter(statusIs(true)).length === 2, WAIT_MS, 'online again');
    await emitAndWait(probe, lock, 3);
    assert.deepEqual(eventIds(probe), [1, 2, 1]);
  });
});

test('per-gateway ids keep counting across a reconnect; per-connection ids start at 1 on each', T, async () => {
  for (const [eventIds_, want] of [['per-gateway', [1, 2]], ['per-connection', [1, 1]]] as const) {
    await withGateway({ eventIds: eventIds_ }, async ({ probe, gw, lock }) => {
      await emitAndWait(probe, lock, 1);
      gw.kill(true);
      await probe.waitFor(() => probe.received.filter(statusIs(true)).length === 2, WAIT_MS, 'reconnected');
      await emitAndWait(probe, lock, 2);
      assert.deepEqual(eventIds(probe), want, eventIds_);
    });
  }
});

test('the client id is gw-{ap_id} unless given', T, async () => {
  await withGateway({}, async ({ broker }) => assert.equal(broker.clientRecords()['gw:8']?.clientId, 'gw-8'));
  await withGateway({ clientId: 'lab-gw-8' }, async ({ broker }) => assert.equal(broker.clientRecords()['gw:8']?.clientId, 'lab-gw-8'));
});

test('defect gateway-status-not-retained: the online status goes out without retain', T, async () => {
  assert.ok(GATEWAY_DEFECTS.includes('gateway-status-not-retained'));
  for (const [defects, retained] of [[[], true], [['gateway-status-not-retained'], false]] as const) {
    await withGateway({ defects }, async ({ probe, broker }) => {
      const s = await probe.waitFor(statusIs(true), WAIT_MS, 'status');
      // A live subscriber sees retain=0 on a live publish; ask the broker by subscribing afresh.
      const late = await CloudProbe.connect(broker.url, 'cloud-pw');
      try {
        const got = await late.waitFor(statusIs(true), 300, 'retained status').then(() => true, () => false);
        assert.equal(got, retained, JSON.stringify(s));
      } finally {
        await late.close();
      }
    });
  }
});

test('defect gateway-ack-wrong-id: the ack names another id', T, async () => {
  assert.ok(GATEWAY_DEFECTS.includes('gateway-ack-wrong-id'));
  await withGateway({ defects: ['gateway-ack-wrong-id'] }, async ({ probe }) => {
    await probe.send(AP, { id: 'w1', lock_id: LOCK, op: 'state', args: {} });
    const ack = await probe.waitFor((m) => m.topic.endsWith('/ack'), WAIT_MS, 'an ack');
    assert.notEqual((ack.body as { id: string }).id, 'w1');
  });
});

test('defect gateway-slow-ack: no ack within a second', T, async () => {
  assert.ok(GATEWAY_DEFECTS.includes('gateway-slow-ack'));
  await withGateway({ defects: ['gateway-slow-ack'] }, async ({ probe, lock }) => {
    await probe.send(AP, { id: 's1', lock_id: LOCK, op: 'unlock', args: {} });
    await assert.rejects(probe.waitFor((m) => m.topic.endsWith('/ack'), 1000, 'an ack'));
    assert.equal(lock.ops.length, 1);
  });
});
