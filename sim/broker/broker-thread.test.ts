import { test } from 'node:test';
import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import { BrokerThread } from './broker-thread.ts';

const T = { timeout: 15_000 };

/** Poll `cond` every 10 ms for at most `ms`. */
async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = performance.now() + ms;
  while (!cond()) {
    if (performance.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('BrokerThread: the same broker rules in a worker thread; stats and the publish tap cross the thread', T, async () => {
  const broker = await BrokerThread.create({ cloudPassword: 'cloud-pw', secrets: [[7, 'gw7-secret']] });
  const clients: mqtt.MqttClient[] = [];
  try {
    assert.match(broker.url, /^mqtt:\/\/127\.0\.0\.1:\d+$/);
    const refused = await mqtt.connectAsync(broker.url, { protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 1000, username: 'gw:7', password: 'wrong' }, false)
      .then((c) => { clients.push(c); return false; }, () => true);
    assert.ok(refused, 'a wrong gateway secret is refused inside the thread too');
    await until(() => broker.stats.refusedConnect === 1, 2000, 'refusedConnect reaches the main thread');

    const seen: string[] = [];
    const untap = broker.onPublish((topic, payload) => seen.push(`${topic}=${payload.toString()}`));
    const gw = await mqtt.connectAsync(broker.url, { protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 1000, username: 'gw:7', password: 'gw7-secret', clientId: 'gw-7' }, false);
    clients.push(gw);
    await until(() => broker.stats.clients === 1, 2000, 'clients reaches the main thread');
    await gw.publishAsync('kexin/v1/gw/7/status', '{"online":true}', { qos: 1, retain: true });
    await until(() => seen.length === 1, 2000, 'the tapped publish');
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
