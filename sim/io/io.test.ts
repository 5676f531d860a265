import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Socket } from 'node:net';
import { test } from 'node:test';
import { Aedes } from 'aedes';
import mqtt, { type MqttClient } from 'mqtt';
import { closeServer, connectMqtt, listenOn, mqttClient, TimeoutError, urlOf, waitUntil, withTimeout } from './index.ts';

/** Node's own flag for "Nagle off", set on the socket before its first byte leaves (net.Socket internals). */
function noDelayOf(stream: unknown): boolean {
  const s = ((stream as { _parent?: Socket })._parent ?? stream) as Socket & Record<symbol, unknown>;
  const key = Object.getOwnPropertySymbols(s).find((k) => String(k) === 'Symbol(kSetNoDelay)');
  assert.ok(key, 'this Node keeps the no-delay flag on the socket');
  return s[key] === true;
}

test('mqttClient: Nagle is off on the socket before CONNECT leaves, for TCP and TLS URLs', () => {
  const clients: MqttClient[] = [
    mqttClient('mqtt://127.0.0.1:9', { protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 100 }),
    mqttClient('mqtts://127.0.0.1:9', { protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 100 }),
  ];
  // mqtt.js itself leaves Nagle on: the reason for the helper.
  const plain = mqtt.connect('mqtt://127.0.0.1:9', { protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 100 });
  try {
    for (const c of [...clients, plain]) c.on('error', () => undefined);
    assert.deepEqual(clients.map((c) => noDelayOf(c.stream)), [true, true]);
    assert.equal(noDelayOf(plain.stream), false);
  } finally {
    for (const c of [...clients, plain]) c.end(true);
  }
});

test('connectMqtt: resolves at CONNACK with Nagle off; a socket closed before CONNACK rejects, bounded', { timeout: 5000 }, async () => {
  const aedes = await Aedes.createBroker();
  const server = await listenOn(createServer((s) => aedes.handle(s)), 0, '127.0.0.1');
  const silent = await listenOn(createServer((s) => s.destroy()), 0, '127.0.0.1');
  try {
    const client = await connectMqtt(urlOf(server, 'mqtt'), { protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 1000 });
    assert.equal(client.connected, true);
    assert.equal(noDelayOf(client.stream), true);
    await client.endAsync();
    await assert.rejects(connectMqtt(urlOf(silent, 'mqtt'), { protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 1000 }), /closed before its CONNACK/);
  } finally {
    await new Promise<void>((r) => silent.close(() => r()));
    await new Promise<void>((r) => server.close(() => r()));
    await new Promise<void>((r) => aedes.close(() => r()));
  }
});

test('waitUntil: returns what the condition found; on timeout says what it waited for and points at the caller', async () => {
  let n = 0;
  assert.equal(await waitUntil('n to reach 3', () => (++n >= 3 ? n : undefined), { timeoutMs: 1000, intervalMs: 1 }), 3);
  assert.equal(await waitUntil('an async yes', async () => true, { timeoutMs: 100 }), true);
  const err = await waitUntil('the door to open', () => false, { timeoutMs: 30, seen: () => 'the door is shut' }).catch((e: unknown) => e);
  assert.ok(err instanceof TimeoutError);
  assert.match(err.message, /^timed out after 30 ms waiting for the door to open; the door is shut$/);
  // STYLE §16: the stack is captured at creation, so its first frame is this test file, not wait.ts.
  const frames = (err.stack ?? '').split('\n').filter((l) => l.trim().startsWith('at '));
  assert.match(frames[0] ?? '', /io\.test\.ts/);
});

test('withTimeout: settles with the promise, or rejects naming what ran out', async () => {
  assert.equal(await withTimeout(Promise.resolve(7), 100, 'seven'), 7);
  await assert.rejects(withTimeout(new Promise(() => undefined), 20, 'a promise that never settles'), (e: Error) =>
    e instanceof TimeoutError && /timed out after 20 ms: a promise that never settles/.test(e.message));
});

test('listenOn/urlOf/closeServer: a free port, its URL, a bind error rejects, close ends keep-alive sockets', { timeout: 5000 }, async () => {
  const server = await listenOn(createHttpServer({ keepAliveTimeout: 60_000 }, (_req, res) => res.end('hi')), 0, '127.0.0.1');
  const url = urlOf(server);
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const busy = createHttpServer();
  await assert.rejects(listenOn(busy, Number(new URL(url).port), '127.0.0.1'), /EADDRINUSE/);
  assert.equal(await (await fetch(url)).text(), 'hi');
  await withTimeout(closeServer(server), 1000, 'closing a server that holds a keep-alive socket');
  assert.equal(server.listening, false);
});
