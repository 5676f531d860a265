/**
 * The lean MQTT client against real brokers: the simulator's aedes on TCP (the broker test kit, with
 * DESIGN §4's authentication and ACL) and, where installed, Mosquitto — what a gateway relies on.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { LeanMqtt } from './mqtt-lean.ts';
import { freePort } from './free-port.ts';
import { stopChild } from './child-exit.ts';
import { listenOn, urlOf } from './http.ts';
import { waitUntil } from './wait.ts';
import { Heard, gw7 } from './mqtt-lean.test-kit.ts';
import { connect, withBroker } from '../broker/broker.test-kit.ts';

const T = { timeout: 15_000 };
const STATUS = 'kexin/v1/gw/7/status';
const CMD = 'kexin/v1/gw/7/cmd';
const EVENT = 'kexin/v1/gw/7/event';
const WILL = { topic: STATUS, payload: Buffer.from('{"online":false}'), qos: 1 as const, retain: true };

/** What a cloud-side mqtt.js client received, in order. */
function record(cloud: MqttClient): { topic: string; body: string; retain: boolean }[] {
  const got: { topic: string; body: string; retain: boolean }[] = [];
  cloud.on('message', (topic, payload, packet) => got.push({ topic, body: payload.toString(), retain: packet.retain }));
  return got;
}

test('aedes: a wrong secret is refused with the CONNACK code named; the right one connects', T, () => withBroker(async (broker) => {
  const refused = new Heard();
  const bad = new LeanMqtt(gw7(broker.url, { password: 'wrong' }), refused);
  try {
    await refused.until('the refusal', () => refused.errors.length > 0);
    assert.match(refused.errors[0]!.message, /connection refused, CONNACK code 4 \(Bad username or password\)/);
    assert.equal((refused.errors[0] as Error & { code?: number }).code, 4);
    assert.equal(bad.connected, false);
    assert.equal(refused.connects, 0);
  } finally {
    await bad.end(true);
  }
  const heard = new Heard();
  const good = new LeanMqtt(gw7(broker.url), heard);
  try {
    await heard.until('connected', () => good.connected);
    assert.deepEqual(heard.errors, []);
  } finally {
    await good.end(true);
  }
}));

test('aedes: the will is delivered on an abrupt drop and not on a clean end; the status is retained', T, () => withBroker(async (broker, clients) => {
  const cloud = await connect(broker, clients, { username: 'cloud', password: 'cloud-pw' });
  const got = record(cloud);
  await cloud.subscribeAsync(STATUS, { qos: 1 });
  const heard = new Heard();
  const gw = new LeanMqtt(gw7(broker.url, { will: WILL }), heard);
  try {
    await heard.until('connected', () => heard.connects === 1);
    await gw.publish(STATUS, '{"online":true}', { qos: 1, retain: true });
    gw.drop();
    assert.equal(gw.connected, false, 'down at once');
    await waitUntil('the will', () => got.some((m) => m.body === '{"online":false}'), { timeoutMs: 800 });
    await heard.until('reconnected by itself', () => heard.connects === 2);
    await gw.publish(STATUS, '{"online":true}', { qos: 1, retain: true });
    await gw.end();
    await waitUntil('the broker saw it go', () => broker.stats.clients === 1, { timeoutMs: 800 });
    // A second session's status after the clean end: a will of the first would have come before it.
    const next = new LeanMqtt(gw7(broker.url), new Heard());
    await next.publish(STATUS, '{"online":"after"}', { qos: 1, retain: true });
    await next.end();
    await waitUntil('the marker', () => got.some((m) => m.body === '{"online":"after"}'), { timeoutMs: 800 });
    assert.deepEqual(got.map((m) => m.body), ['{"online":true}', '{"online":false}', '{"online":true}', '{"online":"after"}']);
    const late = await connect(broker, clients, { username: 'cloud', password: 'cloud-pw', clientId: 'cloud-late' });
    const retained = record(late);
    await late.subscribeAsync(STATUS, { qos: 1 });
    await waitUntil('the retained status', () => retained.length > 0, { timeoutMs: 800 });
    assert.deepEqual(retained, [{ topic: STATUS, body: '{"online":"after"}', retain: true }]);
  } finally {
    await gw.end(true);
  }
}));

test('aedes: a QoS-1 cmd in is PUBACKed (not redelivered after a reconnect of a kept session); a refused SUBSCRIBE rejects', T, () => withBroker(async (broker, clients) => {
  const cloud = await connect(broker, clients, { username: 'cloud', password: 'cloud-pw' });
  const heard = new Heard();
  const gw = new LeanMqtt(gw7(broker.url, { clean: false }), heard);
  try {
    await heard.until('connected', () => heard.connects === 1);
    await gw.subscribe(CMD, 1);
    await assert.rejects(gw.subscribe('kexin/v1/gw/8/cmd', 1), /subscription refused \(0x80\)/);
    await cloud.publishAsync(CMD, '{"id":"c1"}', { qos: 1 });
    await heard.until('c1', () => heard.messages.length === 1);
    // A QoS-1 round trip after it: the broker has read the PUBACK before it answers this.
    await gw.publish(EVENT, '{}', { qos: 1 });
    gw.drop();
    await heard.until('reconnected', () => heard.connects === 2);
    await cloud.publishAsync(CMD, '{"id":"c2"}', { qos: 1 });
    await heard.until('c2', () => heard.messages.length >= 2);
    assert.deepEqual(heard.messages.map((m) => m.body), ['{"id":"c1"}', '{"id":"c2"}']);
  } finally {
    await gw.end(true);
  }
}));

test('aedes: publishes made while down are queued and delivered after the reconnect; an unanswered one is resent', T, () => withBroker(async (broker, clients) => {
  const cloud = await connect(broker, clients, { username: 'cloud', password: 'cloud-pw' });
  const got = record(cloud);
  await cloud.subscribeAsync(EVENT, { qos: 1 });
  const heard = new Heard();
  const gw = new LeanMqtt(gw7(broker.url, { reconnectPeriodMs: 100 }), heard);
  try {
    await heard.until('connected', () => heard.connects === 1);
    const inFlight = gw.publish(EVENT, 'e1', { qos: 1 });
    gw.drop();
    const queued = [gw.publish(EVENT, 'e2', { qos: 1 }), gw.publish(EVENT, 'e3', { qos: 0 })];
    await Promise.all([inFlight, ...queued]);
    assert.equal(heard.connects, 2, 'acked on the second connection');
    await waitUntil('three events', () => got.length >= 3, { timeoutMs: 800 });
    assert.deepEqual(got.map((m) => m.body).filter((b) => b !== 'e1').sort(), ['e2', 'e3']);
    assert.ok(got.some((m) => m.body === 'e1'), 'e1 arrives (once or, written before the drop, twice: at least once)');
    await gw.end();
    await assert.rejects(gw.publish(EVENT, 'late', { qos: 1 }), /the client has ended/);
  } finally {
    await gw.end(true);
  }
}));

const hasOpenssl = !spawnSync('openssl', ['version']).error;

test('aedes behind TLS: an mqtts URL connects with the given CA, and a certificate it cannot check is an error', { ...T, skip: !hasOpenssl && 'openssl is not installed' }, () => withBroker(async (broker) => {
  const dir = mkdtempSync(join(tmpdir(), 'lockbench-lean-tls-'));
  const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  assert.equal(made.status, 0, 'openssl made a certificate');
  const cert = readFileSync(join(dir, 'cert.pem'));
  // TLS ends here and the bytes go on to aedes on TCP, as a TLS-terminating listener in front of a broker does.
  const front = createTlsServer({ key: readFileSync(join(dir, 'key.pem')), cert }, (tls) => {
    const tcp = netConnect(broker.port, '127.0.0.1');
    tls.pipe(tcp).pipe(tls);
    tls.on('error', () => tcp.destroy());
    tcp.on('error', () => tls.destroy());
  });
  await listenOn(front, 0, '127.0.0.1');
  const url = urlOf(front, 'mqtts').replace('127.0.0.1', 'localhost');
  const heard = new Heard();
  const trusted = new LeanMqtt(gw7(url, { tls: { ca: cert } }), heard);
  const doubted = new Heard();
  const untrusted = new LeanMqtt(gw7(url, { clientId: 'gw-7x' }), doubted);
  try {
    await heard.until('connected over TLS', () => trusted.connected);
    await trusted.subscribe(CMD, 1);
    await trusted.publish(STATUS, '{"online":true}', { qos: 1, retain: true });
    await doubted.until('the certificate refused', () => doubted.errors.length > 0);
    assert.match(doubted.errors[0]!.message, /self-signed certificate/);
    assert.equal(untrusted.connected, false);
  } finally {
    await Promise.all([trusted.end(true), untrusted.end(true)]);
    await new Promise((resolve) => front.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}));

const hasMosquitto = !spawnSync('mosquitto', ['-h']).error;

test('Mosquitto: will on an abrupt drop, none on a clean end, retained status, QoS-1 cmd in', { ...T, skip: !hasMosquitto && 'mosquitto is not installed' }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lockbench-lean-'));
  const port = await freePort();
  writeFileSync(join(dir, 'm.conf'), `listener ${port} 127.0.0.1\nallow_anonymous true\n`);
  const mosquitto = spawn('mosquitto', ['-c', join(dir, 'm.conf')], { stdio: 'ignore' });
  const url = `mqtt://127.0.0.1:${port}`;
  let cloud: MqttClient | undefined;
  const heard = new Heard();
  let gw: LeanMqtt | undefined;
  try {
    await waitUntil('mosquitto listening', () => new Promise<boolean>((resolve) => {
      const s = netConnect({ host: '127.0.0.1', port }, () => { s.destroy(); resolve(true); }).on('error', () => resolve(false));
    }), { timeoutMs: 5000, intervalMs: 20 });
    cloud = await mqtt.connectAsync(url, { protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 500 });
    const got = record(cloud);
    await cloud.subscribeAsync([STATUS], { qos: 1 });
    gw = new LeanMqtt(gw7(url, { will: WILL }), heard);
    await heard.until('connected', () => heard.connects === 1);
    await gw.subscribe(CMD, 1);
    await gw.publish(STATUS, '{"online":true}', { qos: 1, retain: true });
    await cloud.publishAsync(CMD, '{"id":"m1"}', { qos: 1 });
    await heard.until('m1', () => heard.messages.length === 1);
    gw.drop();
    await waitUntil('the will', () => got.some((m) => m.body === '{"online":false}'), { timeoutMs: 800 });
    await heard.until('reconnected', () => heard.connects === 2);
    await gw.publish(STATUS, '{"online":true}', { qos: 1, retain: true });
    await gw.end();
    const next = new LeanMqtt(gw7(url, { clientId: 'gw-7b' }), new Heard());
    await next.publish(STATUS, '{"online":"after"}', { qos: 1, retain: true });
    await next.end();
    await waitUntil('the marker', () => got.some((m) => m.body === '{"online":"after"}'), { timeoutMs: 800 });
    assert.deepEqual(got.map((m) => m.body), ['{"online":true}', '{"online":false}', '{"online":true}', '{"online":"after"}']);
    assert.deepEqual(got.map((m) => m.retain), [false, false, false, false], 'live deliveries to a standing subscriber');
  } finally {
    await gw?.end(true);
    await cloud?.endAsync(true);
    await stopChild(mosquitto, 3000);
    rmSync(dir, { recursive: true, force: true });
  }
});
