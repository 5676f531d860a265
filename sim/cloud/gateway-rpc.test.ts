import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectMqtt, waitUntil } from '../io/index.ts';
import { GatewayRpc } from './gateway-rpc.ts';
import { newCloudStats } from './stats.ts';
import { startBroker } from './cloud.test-kit.ts';

const AP = 7001;

// DESIGN §13: a world's namespace prefixes every §4 topic it uses, so worlds sharing one broker never meet.
test('in a namespace, a command and a raw probe both go to the namespaced cmd topic, never the bare §4 one', async () => {
  const broker = await startBroker();
  const spy = await connectMqtt(broker.url, { protocolVersion: 4, reconnectPeriod: 0 });
  const rpc = await GatewayRpc.connect({
    url: broker.url, password: 'unused', namespace: 'w1', ackTimeoutMs: 200, stats: newCloudStats(),
    onStatusChange: () => undefined, onEvent: () => undefined,
  });
  try {
    const seen: string[] = [];
    spy.on('message', (topic, payload) => seen.push(`${topic} ${payload.toString()}`));
    await spy.subscribeAsync('#', { qos: 1 });
    assert.equal(await rpc.call(AP, 1, { op: 'state', args: {} }), 'timeout');
    await rpc.publishRaw(AP, 'raw probe');
    await waitUntil('both commands at the spy', () => seen.length >= 2, { timeoutMs: 2000 });
    assert.deepEqual(seen.map((s) => s.split(' ')[0]), [`w1/kexin/v1/gw/${AP}/cmd`, `w1/kexin/v1/gw/${AP}/cmd`]);
    assert.equal(seen[1], `w1/kexin/v1/gw/${AP}/cmd raw probe`);
  } finally {
    await rpc.close();
    await spy.endAsync(true);
    await broker.close();
  }
});
