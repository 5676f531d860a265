import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LockEvent } from '../protocol/index.ts';
import { DEFECTS } from '../defects.ts';
import { CloudProbe, FakeLock, statusIs, withGateway } from './gateway.test-kit.ts';

// DESIGN §3.4 (a rebooted gateway's event ids), §4; TEST-PLAN GWP-01…04 on the virtual gateway.

const AP = 8;
const LOCK = 1000001;
const WAIT_MS = 1000;
const T = { timeout: 8000 };
const unlockEvent: LockEvent = { type: 'unlock', lock_id: LOCK, mode: 1, result: 1, uid: 0, lock_time: 1700000000 };


const eventIds = (probe: CloudProbe): number[] => probe.on(AP, 'event').map((m) => (m.body as { event_id: number }).event_id);

async function emitAndWait(probe: CloudProbe, lock: FakeLock, total: number): Promise<void> {
  lock.emit(unlockEvent);
  await probe.waitFor(() => probe.on(AP, 'event').length === total, WAIT_MS, `event ${total}`);
}

test('reboot: the will reports offline, the gateway comes back online and counts events from 1', T, async () => {
  await withGateway(AP, {}, async ({ probe, gw, lock }) => {
    await emitAndWait(probe, lock, 1);
    await emitAndWait(probe, lock, 2);
    await gw.reboot();
    await probe.waitFor(statusIs(AP, false), WAIT_MS, 'the will');
    await probe.waitFor(() => probe.received.filter(statusIs(AP, true)).length === 2, WAIT_MS, 'online again');
    await emitAndWait(probe, lock, 3);
    assert.deepEqual(eventIds(probe), [1, 2, 1]);
  });
});

test('per-gateway ids keep counting across a reconnect; per-connection ids start at 1 on each', T, async () => {
  for (const [eventIds_, want] of [['per-gateway', [1, 2]], ['per-connection', [1, 1]]] as const) {
    await withGateway(AP, { eventIds: eventIds_ }, async ({ probe, gw, lock }) => {
      await emitAndWait(probe, lock, 1);
      gw.kill(true);
      await probe.waitFor(() => probe.received.filter(statusIs(AP, true)).length === 2, WAIT_MS, 'reconnected');
      await emitAndWait(probe, lock, 2);
      assert.deepEqual(eventIds(probe), want, eventIds_);
    });
  }
});

test('the client id is gw-{ap_id} unless given', T, async () => {
  await withGateway(AP, {}, async ({ broker }) => assert.equal(broker.clientRecords()['gw:8']?.clientId, 'gw-8'));
  await withGateway(AP, { clientId: 'lab-gw-8' }, async ({ broker }) => assert.equal(broker.clientRecords()['gw:8']?.clientId, 'lab-gw-8'));
});

test('defect gateway-status-not-retained: the online status goes out without retain', T, async () => {
  assert.equal(DEFECTS['gateway-status-not-retained'].room, 'gateway');
  for (const [defects, retained] of [[[], true], [['gateway-status-not-retained'], false]] as const) {
    await withGateway(AP, { defects }, async ({ probe, broker }) => {
      const s = await probe.waitFor(statusIs(AP, true), WAIT_MS, 'status');
      // A live subscriber sees retain=0 on a live publish; ask the broker by subscribing afresh.
      const late = await CloudProbe.connect(broker.url, 'cloud-pw');
      try {
        const got = await late.waitFor(statusIs(AP, true), 300, 'retained status').then(() => true, () => false);
        assert.equal(got, retained, JSON.stringify(s));
      } finally {
        await late.close();
      }
    });
  }
});

test('defect gateway-ack-wrong-id: the ack names another id', T, async () => {
  assert.equal(DEFECTS['gateway-ack-wrong-id'].room, 'gateway');
  await withGateway(AP, { defects: ['gateway-ack-wrong-id'] }, async ({ probe }) => {
    await probe.send(AP, { id: 'w1', lock_id: LOCK, op: 'state', args: {} });
    const ack = await probe.waitFor((m) => m.topic.endsWith('/ack'), WAIT_MS, 'an ack');
    assert.notEqual((ack.body as { id: string }).id, 'w1');
  });
});

test('defect gateway-slow-ack: no ack within a second', T, async () => {
  assert.equal(DEFECTS['gateway-slow-ack'].room, 'gateway');
  await withGateway(AP, { defects: ['gateway-slow-ack'] }, async ({ probe, lock }) => {
    await probe.send(AP, { id: 's1', lock_id: LOCK, op: 'unlock', args: {} });
    await assert.rejects(probe.waitFor((m) => m.topic.endsWith('/ack'), 1000, 'an ack'));
    assert.equal(lock.ops.length, 1);
  });
});
