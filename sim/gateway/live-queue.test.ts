import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Broker } from '../broker/broker.ts';
import type { LockEvent } from '../protocol/index.ts';
import { VirtualGateway } from './gateway.ts';
import { EventBuffer } from './event-buffer.ts';
import { waitUntil } from '../io/index.ts';
import { RadioLink } from './radio-link.ts';
import { CloudProbe, FakeLock } from './gateway.test-kit.ts';

// DESIGN §3.3/§4 (nothing lost while the uplink is up; only an outage may drop, oldest first, counted):
// the buffer bounds an outage, not a burst on a live link.

const AP = 7;
const LOCK = 1000001;
const unlockEvent: LockEvent = { type: 'unlock', lock_id: LOCK, mode: 1, result: 1, uid: 0, lock_time: 1700000000 };

test('2,048 events at once on a live uplink: 2,048 published, none dropped (default bound 1,000)', { timeout: 30_000 }, async () => {
  const broker = await Broker.create({ cloudPassword: 'cloud-pw', gatewaySecret: (id) => (id === AP ? 'gw-secret' : undefined) });
  const probe = await CloudProbe.connect(broker.url, 'cloud-pw');
  const lock = new FakeLock(LOCK);
  const gw = await VirtualGateway.create({ apId: AP, secret: 'gw-secret', mqttUrl: broker.url, links: [new RadioLink(lock)] });
  try {
    for (let i = 1; i <= 2048; i++) lock.emit({ ...unlockEvent, uid: i });
    // Polled, not probe.waitFor: its predicate runs per received message, quadratic at this volume.
    await waitUntil('2,048 events', () => probe.on(AP, 'event').length === 2048, { timeoutMs: 20_000, seen: () => `${probe.on(AP, 'event').length} events, ${gw.stats.eventsDropped} dropped` });
    assert.equal(gw.stats.eventsDropped, 0);
    assert.deepEqual(probe.on(AP, 'event').map((m) => (m.body as { uid: number }).uid), Array.from({ length: 2048 }, (_, i) => i + 1));
  } finally {
    await gw.close();
    await probe.close();
    await broker.close();
  }
});

test('EventBuffer: while up it keeps everything (up to its hard cap); an outage trims to the bound, oldest first, counted', () => {
  const b = new EventBuffer<number>(3);
  for (let i = 1; i <= 5; i++) b.push(i, { up: true });
  assert.deepEqual([b.length, b.dropped], [5, 0]);
  assert.equal(b.full, true, 'a producer with flow control holds back');
  b.push(6, { up: false });
  assert.deepEqual([b.length, b.dropped, b.peek()], [3, 3, 4]);
  const capped = new EventBuffer<number>(2, { hardCapFactor: 4 });
  for (let i = 0; i < 10; i++) capped.push(i, { up: true });
  assert.deepEqual([capped.length, capped.droppedLive], [8, 2]);
});
