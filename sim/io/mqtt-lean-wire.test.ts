/**
 * The lean MQTT client against a scripted broker on loopback TCP: what a real broker does not do on
 * request — go silent, send garbage, split or pack packets at will — and the one shared timer.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LeanMqtt } from './mqtt-lean.ts';
import { encodePublish } from './mqtt-lean-codec.ts';
import { CONNACK_OK, CONNECT, Heard, PINGREQ, PINGRESP, PUBACK, ScriptedBroker, gw7 } from './mqtt-lean.test-kit.ts';

const T = { timeout: 10_000 };

/** A broker that accepts every CONNECT and, with `pong`, answers every PINGREQ. */
const accepting = (pong: boolean) => ScriptedBroker.start((c, p) => {
  if (p.type === CONNECT) c.socket.write(CONNACK_OK);
  if (p.type === PINGREQ && pong) c.socket.write(PINGRESP);
});

// First in the file: a timer left behind by an earlier test's clients would be cleared by this one's first deadline and hide a leak.
test('one timer serves every client of the process: 30 connected clients with keep-alive hold at most one Node timer', T, async () => {
  const broker = await accepting(true);
  const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
  const before = timers();
  const clients = Array.from({ length: 30 }, (_, i) => new LeanMqtt(gw7(broker.url, { clientId: `gw-${i}`, keepaliveS: 5 }), new Heard()));
  try {
    await new Heard().until('30 connected', () => clients.every((c) => c.connected));
    assert.ok(timers() - before <= 1, `${timers() - before} timers for 30 clients`);
  } finally {
    await Promise.all(clients.map((c) => c.end(true)));
    await broker.close();
  }
  assert.equal(timers(), before, 'the shared timer stops once no client waits on it');
});

test('keep-alive: an idle client sends PINGREQ after its keep-alive and stays up while the broker answers', T, async () => {
  const broker = await accepting(true);
  const heard = new Heard();
  const client = new LeanMqtt(gw7(broker.url, { keepaliveS: 1, pingTimeoutMs: 300 }), heard);
  try {
    await heard.until('connected', () => heard.connects === 1);
    await heard.until('a PINGREQ answered', () => broker.connections[0]!.packets.filter((p) => p.type === PINGREQ).length >= 1, 1800);
    assert.equal(client.connected, true);
    assert.deepEqual(heard.errors, []);
    assert.equal(broker.connections.length, 1, 'no reconnect');
  } finally {
    await client.end(true);
    await broker.close();
  }
});

test('keep-alive: a broker that stops answering PINGREQ ends the connection; the client reconnects', T, async () => {
  const broker = await accepting(false);
  const heard = new Heard();
  const client = new LeanMqtt(gw7(broker.url, { keepaliveS: 1, pingTimeoutMs: 200 }), heard);
  try {
    await heard.until('connected', () => heard.connects === 1);
    await heard.until('the missed PINGRESP', () => heard.errors.length > 0, 2000);
    assert.match(heard.errors[0]!.message, /no PINGRESP within 200 ms/);
    await heard.until('the first connection closed and a second one up', () => broker.connections[0]!.closed && heard.connects === 2);
  } finally {
    await client.end(true);
    await broker.close();
  }
});

test('malformed bytes and an oversize remaining length: counted, that connection closed, the client reconnects, the process lives', T, async () => {
  const garbage = [Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]), encodePublish('t', Buffer.alloc(100), 0, false, 0)];
  const broker = await ScriptedBroker.start((c, p) => {
    if (p.type !== CONNECT) return;
    const nth = broker.connections.indexOf(c);
    c.socket.write(nth < garbage.length ? Buffer.concat([CONNACK_OK, garbage[nth]!]) : CONNACK_OK);
  });
  const heard = new Heard();
  const client = new LeanMqtt(gw7(broker.url, { maxPacketBytes: 64 }), heard);
  try {
    await heard.until('two bad connections and a good third', () => heard.connects === 3 && client.connected);
    assert.equal(client.malformed, 2);
    assert.match(heard.errors[0]!.message, /malformed packet from the broker: remaining length longer than 4 bytes/);
    assert.match(heard.errors[1]!.message, /malformed packet from the broker: remaining length 103 is over the 64-byte limit/);
    assert.ok(broker.connections[0]!.closed && broker.connections[1]!.closed, 'each bad connection closed by the client');
    assert.deepEqual(heard.messages, []);
  } finally {
    await client.end(true);
    await broker.close();
  }
});

test('packets packed into one write and one split byte by byte are read whole; a QoS-1 redelivery is delivered again and acked again', T, async () => {
  const cmd = encodePublish('kexin/v1/gw/7/cmd', Buffer.from('{"id":"c1"}'), 1, false, 5);
  const redelivered = Buffer.from(cmd);
  redelivered[0] = redelivered[0]! | 0x08;
  const split = encodePublish('kexin/v1/gw/7/cmd', Buffer.from('x'.repeat(200)), 0, false, 0);
  const broker = await ScriptedBroker.start((c, p) => {
    if (p.type !== CONNECT) return;
    c.socket.write(Buffer.concat([CONNACK_OK, cmd, redelivered]));
    void (async () => {
      for (const b of split) {
        await new Promise((r) => setImmediate(r));
        c.socket.write(Buffer.from([b]));
      }
    })();
  });
  const heard = new Heard();
  const client = new LeanMqtt(gw7(broker.url), heard);
  try {
    await heard.until('three messages', () => heard.messages.length === 3);
    assert.deepEqual(heard.messages, [
      { topic: 'kexin/v1/gw/7/cmd', body: '{"id":"c1"}' },
      { topic: 'kexin/v1/gw/7/cmd', body: '{"id":"c1"}' },
      { topic: 'kexin/v1/gw/7/cmd', body: 'x'.repeat(200) },
    ]);
    await heard.until('two PUBACKs', () => broker.connections[0]!.packets.filter((p) => p.type === PUBACK).length === 2);
    assert.deepEqual(broker.connections[0]!.packets.filter((p) => p.type === PUBACK).map((p) => p.body.readUInt16BE(0)), [5, 5]);
  } finally {
    await client.end(true);
    await broker.close();
  }
});

test('a CONNACK that never comes: the connect timeout ends that attempt and names it', T, async () => {
  const broker = await ScriptedBroker.start(() => {});
  const heard = new Heard();
  const client = new LeanMqtt(gw7(broker.url, { connectTimeoutMs: 150 }), heard);
  try {
    await heard.until('the timeout', () => heard.errors.length > 0);
    assert.match(heard.errors[0]!.message, /no CONNACK within 150 ms/);
    await heard.until('a second attempt', () => broker.connections.length >= 2 && broker.connections[0]!.closed);
  } finally {
    await client.end(true);
    await broker.close();
  }
});
