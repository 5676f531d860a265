import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { connectMqtt, waitUntil } from '../sim/io/index.ts';
import { gatewayTopic, topicRoot, type GatewayTopic } from '../sim/protocol/index.ts';
import { hasMosquitto, startMosquitto } from '../harness/targets/sim/mosquitto.test-kit.ts';

// DESIGN §13 broker configuration, judged on a real Mosquitto 2: the tap identity (DESIGN §14 wire logs)
// reads every §4 topic in every namespace and writes none. Mosquitto drops a refused publish silently,
// so a refusal is judged by delivery: a legitimate message sent after it arrives, the refused one never does.
const AP = 1000002;
const AP_SECRET = 'gw-secret-1000002';
const NAMESPACES = ['', 'wtest1'];
const KINDS: readonly GatewayTopic[] = ['cmd', 'status', 'ack', 'event'];
/** How long a refused publish gets to show up after a later legitimate one has arrived. */
const SILENCE_MS = 300;

interface Inbox {
  client: MqttClient;
  got: { topic: string; body: string }[];
}

async function subscriber(url: string, username: string, password: string, clientId: string, filters: string[]): Promise<Inbox> {
  const client = await connectMqtt(url, { protocolVersion: 4, username, password, clientId, clean: true, connectTimeout: 2000, reconnectPeriod: 0 });
  const got: Inbox['got'] = [];
  client.on('message', (topic, payload) => got.push({ topic, body: payload.toString() }));
  if (filters.length > 0) {
    const grants = await client.subscribeAsync(filters, { qos: 1 });
    assert.ok(grants.every((g) => g.qos !== 128), `${username} may subscribe to ${filters.join(' ')}`);
  }
  return { client, got };
}

const passwordOf = (url: string): string => decodeURIComponent(new URL(url).password);

test('broker-config writes tap.url with its own random password and never prints it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lockbench-broker-config-test-'));
  try {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'bin/broker-config.ts', '--fixture', 'fixtures/fleet.json', '--out', dir, '--port', '1884'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const tap = readFileSync(join(dir, 'tap.url'), 'utf8').trim();
    const cloud = readFileSync(join(dir, 'cloud.url'), 'utf8').trim();
    assert.match(tap, /^mqtt:\/\/tap:[0-9a-f]{32}@127\.0\.0\.1:1884$/);
    assert.notEqual(passwordOf(tap), passwordOf(cloud));
    assert.ok(!`${r.stdout}${r.stderr}`.includes(passwordOf(tap)), 'the tap password is not logged');
    assert.match(readFileSync(join(dir, 'passwd'), 'utf8'), /^tap:\$7\$101\$/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('broker-config: existing 0644 secret files end 0600 with the new passwords, the folder 0700, a symlinked cloud.url is refused, not followed', () => {
  const root = mkdtempSync(join(tmpdir(), 'lockbench-broker-config-test-'));
  const run = (dir: string) => spawnSync(process.execPath, ['--import', 'tsx', 'bin/broker-config.ts', '--fixture', 'fixtures/fleet.json', '--out', dir, '--port', '1884'], { encoding: 'utf8' });
  const mode = (p: string): number => statSync(p).mode & 0o777;
  try {
    const dir = join(root, 'a');
    const r0 = run(dir);
    assert.equal(r0.status, 0, r0.stderr);
    for (const f of ['passwd', 'dynamic-security.json', 'cloud.url', 'tap.url']) chmodSync(join(dir, f), 0o644);
    chmodSync(dir, 0o755);
    const r1 = run(dir);
    assert.equal(r1.status, 0, r1.stderr);
    for (const f of ['passwd', 'dynamic-security.json', 'cloud.url', 'tap.url']) assert.equal(mode(join(dir, f)).toString(8), '600', f);
    assert.equal(mode(dir).toString(8), '700');
    const linked = join(root, 'b');
    run(linked);
    const target = join(root, 'public.txt');
    writeFileSync(target, 'world-readable');
    rmSync(join(linked, 'cloud.url'));
    symlinkSync(target, join(linked, 'cloud.url'));
    const r2 = run(linked);
    assert.notEqual(r2.status, 0, 'a symlinked secret file stops the run');
    assert.match(r2.stderr, /symlink/);
    assert.equal(readFileSync(target, 'utf8'), 'world-readable');
    assert.ok(lstatSync(join(linked, 'cloud.url')).isSymbolicLink());
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('on Mosquitto the tap reads a gateway\'s four topics in every namespace, and nothing it publishes is delivered', { skip: !hasMosquitto && 'mosquitto is not installed', timeout: 30_000 }, async () => {
  const mq = await startMosquitto();
  const clients: MqttClient[] = [];
  try {
    const tap = await subscriber(mq.url, 'tap', passwordOf(mq.tapUrl), 'tap-test', NAMESPACES.flatMap((ns) => KINDS.map((k) => `${topicRoot(ns)}/+/${k}`)));
    const gw = await subscriber(mq.url, `gw:${AP}`, AP_SECRET, 'gw-test', NAMESPACES.map((ns) => gatewayTopic(AP, 'cmd', ns)));
    const cloud = await subscriber(mq.url, 'cloud', passwordOf(mq.cloudUrl), 'cloud-test', NAMESPACES.flatMap((ns) => ['status', 'ack', 'event'].map((k) => `${topicRoot(ns)}/+/${k}`)));
    clients.push(tap.client, gw.client, cloud.client);

    for (const ns of NAMESPACES) {
      await cloud.client.publishAsync(gatewayTopic(AP, 'cmd', ns), 'legit', { qos: 1 });
      for (const k of ['status', 'ack', 'event'] as const) await gw.client.publishAsync(gatewayTopic(AP, k, ns), 'legit', { qos: 1 });
    }
    const want = NAMESPACES.flatMap((ns) => KINDS.map((k) => gatewayTopic(AP, k, ns))).sort();
    await waitUntil('the tap to read all eight topics', () => tap.got.length >= want.length, { timeoutMs: 2000, seen: () => JSON.stringify(tap.got) });
    assert.deepEqual(tap.got.map((m) => m.topic).sort(), want);

    // The tap writes none: a forged command and a forged status, each followed by the real sender's marker.
    for (const ns of NAMESPACES) {
      await tap.client.publishAsync(gatewayTopic(AP, 'cmd', ns), 'forged', { qos: 1 });
      await tap.client.publishAsync(gatewayTopic(AP, 'status', ns), 'forged', { qos: 1, retain: true });
      await cloud.client.publishAsync(gatewayTopic(AP, 'cmd', ns), 'marker', { qos: 1 });
      await gw.client.publishAsync(gatewayTopic(AP, 'status', ns), 'marker', { qos: 1 });
    }
    const markers = (box: Inbox): number => box.got.filter((m) => m.body === 'marker').length;
    await waitUntil('the markers', () => markers(gw) === 2 && markers(cloud) === 2, { timeoutMs: 2000 });
    await new Promise((r) => setTimeout(r, SILENCE_MS));
    const forged = [...gw.got, ...cloud.got, ...tap.got].filter((m) => m.body === 'forged');
    assert.deepEqual(forged, [], 'nothing the tap published was delivered');
  } finally {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await mq.stop();
  }
});
