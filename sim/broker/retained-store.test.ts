import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { listenOn, noDelayServer, urlOf } from '../io/index.ts';
import { Aedes } from 'aedes';
import aedesPersistence from 'aedes-persistence';
import mqtt from 'mqtt';
import { RetainedIndex, topicMatches, withRetainedIndex, type RetainedPacket } from './retained-store.ts';

const memoryPersistence = aedesPersistence as unknown as () => object;
const T = { timeout: 5000 };

test('topicMatches follows MQTT 3.1.1 §4.7', () => {
  const cases: [string, string, boolean][] = [
    ['a/b/c', 'a/b/c', true],
    ['a/b/c', 'a/b', false],
    ['a/+/c', 'a/b/c', true],
    ['a/+/c', 'a/b/d', false],
    ['a/+', 'a/b/c', false],
    ['a/+', 'a/', true],
    ['+/+', '/x', true],
    ['a/#', 'a', true],
    ['a/#', 'a/b/c', true],
    ['a/#', 'ab/c', false],
    ['#', 'a/b', true],
    ['#', '$SYS/x', false],
    ['+/x', '$SYS/x', false],
    ['$SYS/#', '$SYS/x', true],
    ['kexin/v1/gw/+/status', 'kexin/v1/gw/7/status', true],
    ['kexin/v1/gw/+/status', 'kexin/v1/gw/7/cmd', false],
  ];
  for (const [filter, topic, want] of cases) assert.equal(topicMatches(filter, topic), want, `${filter} vs ${topic}`);
});

const packet = (topic: string, payload: string): RetainedPacket => ({ cmd: 'publish', topic, payload: Buffer.from(payload), qos: 1, retain: true });

test('RetainedIndex: exact lookup, wildcard scan in retained order, empty payload deletes', () => {
  const index = new RetainedIndex();
  for (const id of [3, 1, 2]) index.store(packet(`gw/${id}/status`, `{"id":${id}}`));
  index.store(packet('gw/1/status', '{"id":"1b"}'));
  assert.equal(index.size, 3);
  assert.deepEqual([...index.matching('gw/1/status')].map((p) => p.payload.toString()), ['{"id":"1b"}']);
  assert.deepEqual([...index.matching('gw/9/status')], []);
  assert.deepEqual([...index.matching('gw/+/status')].map((p) => p.topic), ['gw/3/status', 'gw/1/status', 'gw/2/status']);
  assert.deepEqual([...index.matchingAny(['gw/2/status', 'gw/3/#'])].map((p) => p.topic), ['gw/2/status', 'gw/3/status']);
  index.store(packet('gw/3/status', ''));
  assert.equal(index.size, 2);
  assert.deepEqual([...index.matching('#')].map((p) => p.topic), ['gw/1/status', 'gw/2/status']);
});

test('RetainedIndex keeps its own copy of a stored packet', () => {
  const index = new RetainedIndex();
  const p = packet('a', 'x');
  index.store(p);
  p.topic = 'changed';
  assert.deepEqual([...index.matching('a')].map((q) => q.topic), ['a']);
});

test('aedes with withRetainedIndex: retained messages reach exact and wildcard subscribers; the index holds them', T, async () => {
  const index = new RetainedIndex();
  const aedes = await Aedes.createBroker({ persistence: withRetainedIndex(memoryPersistence(), index) });
  const sockets = new Set<Socket>();
  const server = await listenOn(noDelayServer((s) => {
    sockets.add(s);
    aedes.handle(s);
  }), 0, '127.0.0.1');
  const url = urlOf(server, 'mqtt');
  const clients: mqtt.MqttClient[] = [];
  const open = async (): Promise<mqtt.MqttClient> => {
    const c = await mqtt.connectAsync(url, { protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 1000 }, false);
    clients.push(c);
    return c;
  };
  const retainedOn = (c: mqtt.MqttClient, filter: string): Promise<string[]> => new Promise((resolve, reject) => {
    const got: string[] = [];
    const timer = setTimeout(() => resolve(got), 200);
    c.on('message', (topic, payload, p) => {
      if (p.retain) got.push(`${topic}=${payload.toString()}`);
    });
    c.subscribeAsync(filter, { qos: 1 }).catch((e: Error) => {
      clearTimeout(timer);
      reject(e);
    });
  });
  try {
    const pub = await open();
    await pub.publishAsync('gw/1/status', '{"online":true}', { qos: 1, retain: true });
    await pub.publishAsync('gw/2/status', '{"online":false}', { qos: 1, retain: true });
    await pub.publishAsync('gw/2/event', 'not retained', { qos: 1 });
    assert.equal(index.size, 2, 'the broker stores retained messages in the index');
    assert.deepEqual(await retainedOn(await open(), 'gw/2/status'), ['gw/2/status={"online":false}']);
    assert.deepEqual((await retainedOn(await open(), 'gw/+/status')).sort(), ['gw/1/status={"online":true}', 'gw/2/status={"online":false}']);
    await pub.publishAsync('gw/1/status', '', { qos: 1, retain: true });
    assert.equal(index.size, 1, 'an empty retained payload clears the topic');
    assert.deepEqual(await retainedOn(await open(), 'gw/1/status'), []);
  } finally {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
    await new Promise<void>((r) => aedes.close(() => r()));
  }
});
