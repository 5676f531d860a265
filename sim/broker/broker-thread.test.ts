import { test } from 'node:test';
import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import { BrokerThread } from './broker-thread.ts';
import { waitUntil } from '../io/index.ts';

const T = { timeout: 15_000 };

test('BrokerThread: the same broker rules in a worker thread; stats and the publish tap cross the thread', T, async () => {
  const broker = await BrokerThread.create({ cloudPassword: 'cloud-pw', secrets: [[7, 'gw7-secret']] });
  const clients: mqtt.MqttClient[] = [];
  try {
    assert.match(broker.url, /^mqtt:\/\/127\.0\.0\.1:\d+$/);
    const refused = await mqtt.connectAsync(broker.url, { protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 1000, username: 'gw:7', password: 'wrong' }, false)
      .then((c) => { clients.push(c); return false; }, () => true);
    assert.ok(refused, 'a wrong gateway secret is refused inside the thread too');
    await waitUntil('refusedConnect reaches the main thread', () => broker.stats.refusedConnect === 1, { timeoutMs: 2000 });

    const seen: string[] = [];
    const untap = broker.onPublish((topic, payload) => seen.push(`${topic}=${payload.toString()}`));
    const gw = await mqtt.connectAsync(broker.url, { protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 1000, username: 'gw:7', password: 'gw7-secret', clientId: 'gw-7' }, false);
    clients.push(gw);
    await waitUntil('clients reaches the main thread', () => broker.stats.clients === 1, { timeoutMs: 2000 });
    await gw.publishAsync('kexin/v1/gw/7/status', '{"online":true}', { qos: 1, retain: true });
    await waitUntil('the tapped publish', () => seen.length === 1, { timeoutMs: 2000 });
    assert.deepEqual(seen, ['kexin/v1/gw/7/status={"online":true}']);
    untap();
  } finally {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await broker.close();
  }
});

test('BrokerThread: a port already taken fails create with the reason, no thread left behind', T, async () => {
  const first = await BrokerThread.create({ cloudPassword: 'pw', secrets: [] });
  try {
    await assert.rejects(BrokerThread.create({ cloudPassword: 'pw', secrets: [], port: first.port }), /broker thread: .*EADDRINUSE/);
  } finally {
    await first.close();
  }
});
