import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Broker } from '../../sim/broker/broker.ts';
import { VirtualGateway } from '../../sim/gateway/index.ts';
import { CloudProbe } from '../../sim/gateway/gateway.test-kit.ts';
import { FakeFirmware } from '../../sim/serial-lock/fake-firmware.test-kit.ts';
import { MockCable } from '../../sim/serial-lock/mock-cable.test-kit.ts';
import { SerialLock } from '../../sim/serial-lock/serial-lock.ts';
import { waitUntil } from '../../sim/io/index.ts';
import { SerialLink } from './serial-link.ts';

// DESIGN §3.3/§4 (nothing lost while the uplink is up) on the lab path of DESIGN §6: the bridge — a
// virtual gateway whose radio is a lockwire link — acks a lock's event only once the gateway holds it,
// so a burst larger than its queue waits on the lock (which resends what was not acked) instead of
// being acked and then dropped. The queue here is small (50, so a live burst's hard cap is 800) and
// the uplink slowed to ≥ 1 ms an event, so the lock outruns it many times over.

const AP = 7;
const LOCK = 1000001;
const BURST = 1200;

test(`lab path: a burst of ${BURST} lockwire events on a live uplink is pushed exactly once each, none dropped`, { timeout: 60_000 }, async () => {
  const broker = await Broker.create({ cloudPassword: 'cloud-pw', gatewaySecret: (id) => (id === AP ? 'gw-secret' : undefined) });
  const probe = await CloudProbe.connect(broker.url, 'cloud-pw');
  const cable = new MockCable('/mock/bp-host', '/mock/bp-lock');
  const fw = new FakeFirmware(LOCK);
  // The lock holds the whole burst and resends an unacked event every 100 ms, 5 sends in all (DESIGN §6's count).
  const lock = new SerialLock({
    path: cable.lockPath, lock: fw, mac: '72:00:03:16:7d:f0', firmwareVer: 't1', binding: cable.binding, reopenMs: 20,
    eventResendMs: 100, maxQueuedEvents: BURST,
  });
  const link = new SerialLink({ path: cable.hostPath, lockId: LOCK, binding: cable.binding, reopenMs: 20 });
  const gw = await VirtualGateway.create({ apId: AP, secret: 'gw-secret', mqttUrl: broker.url, links: [link], eventBufferMax: 50 });
  gw.latencyMs = 1;
  try {
    assert.ok(await lock.whenOpen(1000) && (await link.whenOpen(1000)), 'both cable ends open');
    for (let uid = 1; uid <= BURST; uid++) fw.emit({ type: 'unlock', lock_id: LOCK, mode: 1, result: 1, uid, lock_time: 1_700_000_000 });
    const uids = (): number[] => {
      // The cloud's rule (DESIGN §3.4): a redelivered event_id pushes once.
      const byId = new Map(probe.on(AP, 'event').map((m) => [(m.body as { event_id: number }).event_id, (m.body as { uid: number }).uid]));
      return [...byId.values()];
    };
    const seen = (): string => `${uids().length} events; gateway ${JSON.stringify(gw.stats)}; lock ${JSON.stringify({ ...lock.stats, reader: undefined })}`;
    await waitUntil(`${BURST} events`, () => uids().length >= BURST || lock.stats.eventsDropped > 0 || gw.stats.eventsDropped > 0, { timeoutMs: 45_000, seen });
    assert.equal(gw.stats.eventsDropped, 0, `the gateway dropped none: ${seen()}`);
    assert.equal(lock.stats.eventsDropped, 0, `the lock gave up on none: ${seen()}`);
    await waitUntil(`${BURST} events`, () => uids().length >= BURST, { timeoutMs: 45_000, seen });
    assert.deepEqual(uids().sort((a, b) => a - b), Array.from({ length: BURST }, (_, i) => i + 1), 'each event pushed exactly once');
    assert.ok(gw.stats.eventsHeldBack > 0, `the burst met a full queue and was held back on the lock: ${seen()}`);
  } finally {
    await gw.close();
    await lock.close();
    await probe.close();
    await broker.close();
  }
});
