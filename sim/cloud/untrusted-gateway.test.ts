import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectMqtt } from '../io/index.ts';
import { LOCK, startBroker, startPushReceiver, startWorld, testApps, waitFor } from './cloud.test-kit.ts';
import { GatewayRpc } from './gateway-rpc.ts';
import { newCloudStats } from './stats.ts';

// DESIGN §4 (a gateway is untrusted input) and §3.4: an event whose fields are out of the contract's
// range is dropped and counted; one message never takes the cloud down, and the next one is served.

const unlock = (event_id: number, uid: number, lock_time: number) =>
  JSON.stringify({ type: 'unlock', lock_id: LOCK, mode: 3, result: 1, uid, lock_time, event_id });

test('an unlock event with lock_time 1e300 (or -1, or 2^32) is dropped and counted; the next event is still pushed', async () => {
  const rx = await startPushReceiver([]);
  const w = await startWorld({ apps: testApps(rx.url) });
  const uids = (): number[] => rx.bodies.filter((b) => (b as { type: number }).type === 2).map((b) => (b as { data: { uid: number } }).data.uid);
  try {
    const dropped = w.cloud.stats.mqttDropped;
    await w.gw.raw('event', unlock(1, 11, 1e300));
    await w.gw.raw('event', unlock(2, 12, -1));
    await w.gw.raw('event', unlock(3, 13, 2 ** 32));
    await w.gw.raw('event', unlock(4, 14, 1_700_000_000));
    await waitFor(() => uids().length === 1, 'the push of the one event in range');
    assert.deepEqual(uids(), [14]);
    assert.equal(w.cloud.stats.mqttDropped - dropped, 3);
  } finally {
    await w.close();
    await rx.close();
  }
});

test('a message whose handling throws is recorded in recentErrors (with its topic) and the next one is served', async () => {
  const broker = await startBroker();
  const stats = newCloudStats();
  const seen: number[] = [];
  const rpc = await GatewayRpc.connect({
    url: broker.url, password: '', ackTimeoutMs: 200, stats, now: () => 1_700_000_000, onStatusChange: () => {},
    onEvent: (_apId, ev) => {
      if (ev.event_id === 1) throw new Error('a bug in an event handler');
      seen.push(ev.event_id);
    },
  });
  const gw = await connectMqtt(broker.url, { protocolVersion: 4, reconnectPeriod: 0 });
  try {
    for (const event_id of [1, 2]) {
      await gw.publishAsync('kexin/v1/gw/9/event', JSON.stringify({ type: 'tamper', lock_id: 5, is_abnormal: true, event_id }), { qos: 1 });
    }
    await waitFor(() => seen.length === 1, 'the second event after the first threw');
    assert.equal(stats.internalErrors, 1);
    assert.match(stats.recentErrors[0]!.path, /^mqtt kexin\/v1\/gw\/9\/event /);
    assert.match(stats.recentErrors[0]!.stack, /a bug in an event handler/);
    assert.equal(stats.recentErrors[0]!.at, 1_700_000_000);
  } finally {
    await gw.endAsync(true);
    await rpc.close();
    await broker.close();
  }
});
