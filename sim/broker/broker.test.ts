import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect as netConnect } from 'node:net';
import { once } from 'node:events';
import mqtt, { ErrorWithSubackPacket, type IClientOptions, type MqttClient } from 'mqtt';
import { Broker } from './broker.ts';
import { DEFECTS } from '../defects.ts';
import { waitUntil } from '../io/wait.ts';

const SECRETS = new Map([[7, 'gw7-secret'], [8, 'gw8-secret']]);
const WAIT_MS = 500;
const T = { timeout: 5000 };

async function withBroker(defects: readonly string[], body: (b: Broker, open: Opener) => Promise<void>): Promise<void> {
  const broker = await Broker.create({ cloudPassword: 'cloud-pw', gatewaySecret: (id) => SECRETS.get(id), defects });
  const clients: MqttClient[] = [];
  const open: Opener = async (opts) => {
    const client = await mqtt.connectAsync(broker.url, { protocolVersion: 4, reconnectPeriod: 0, connectTimeout: WAIT_MS, ...opts }, false);
    client.on('error', () => {});
    clients.push(client);
    return client;
  };
  try {
    await body(broker, open);
  } finally {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await broker.close();
  }
}
type Opener = (opts: IClientOptions) => Promise<MqttClient>;

/** Resolves when the client's connection closes. */
const closedOf = (client: MqttClient): Promise<void> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`connection still open after ${WAIT_MS} ms`)), WAIT_MS);
    client.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });

const cloudOpts: IClientOptions = { username: 'cloud', password: 'cloud-pw' };
const gwOpts = (apId: number, password = SECRETS.get(apId)): IClientOptions => ({ username: `gw:${apId}`, password, clientId: `gw-${apId}` });

/** The next message on `client` for `topic`, or reject after WAIT_MS. */
function nextMessage(client: MqttClient, topic: string): Promise<{ body: unknown; retain: boolean }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no message on ${topic} within ${WAIT_MS} ms`)), WAIT_MS);
    const onMessage = (t: string, payload: Buffer, packet: { retain: boolean }): void => {
      if (t !== topic) return;
      clearTimeout(timer);
      client.off('message', onMessage);
      resolve({ body: JSON.parse(payload.toString()), retain: packet.retain });
    };
    client.on('message', onMessage);
  });
}

/** The SUBACK granted 0x80 (failure) for the one filter asked. */
const refusedGrant = (e: unknown): boolean => e instanceof ErrorWithSubackPacket && e.packet.granted[0] === 0x80;

async function refusedCode(open: Opener, opts: IClientOptions): Promise<number | undefined> {
  try {
    await open(opts);
  } catch (err) {
    return (err as { code?: number }).code;
  }
  assert.fail('connection was accepted');
}

test('anonymous clients, wrong secrets and unknown gateways are refused and counted (SEC-01)', T, async () => {
  await withBroker([], async (broker, open) => {
    assert.match(broker.url, /^mqtt:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(await refusedCode(open, {}), 5);
    assert.equal(await refusedCode(open, gwOpts(7, 'gw8-secret')), 4);
    assert.equal(await refusedCode(open, gwOpts(9, 'anything')), 4);
    assert.equal(await refusedCode(open, { username: 'cloud', password: 'nope' }), 4);
    assert.equal(broker.stats.refusedConnect, 4);
    assert.equal(broker.stats.clients, 0);
    await open(cloudOpts);
    await open(gwOpts(7));
    assert.equal(broker.stats.clients, 2);
  });
});

test('cloud commands reach the gateway and its acks reach the cloud', T, async () => {
  await withBroker([], async (_broker, open) => {
    const cloud = await open(cloudOpts);
    await cloud.subscribeAsync('kexin/v1/gw/+/ack', { qos: 1 });
    const gw = await open(gwOpts(7));
    await gw.subscribeAsync('kexin/v1/gw/7/cmd', { qos: 1 });
    const cmd = nextMessage(gw, 'kexin/v1/gw/7/cmd');
    await cloud.publishAsync('kexin/v1/gw/7/cmd', '{"id":"c1"}', { qos: 1 });
    assert.deepEqual((await cmd).body, { id: 'c1' });
    const ack = nextMessage(cloud, 'kexin/v1/gw/7/ack');
    await gw.publishAsync('kexin/v1/gw/7/ack', '{"id":"c1"}', { qos: 1 });
    assert.deepEqual((await ack).body, { id: 'c1' });
  });
});

test('a gateway publishing to another gateway topic is cut off and counted; the broker keeps serving', T, async () => {
  await withBroker([], async (broker, open) => {
    const cloud = await open(cloudOpts);
    await cloud.subscribeAsync('kexin/v1/gw/+/status', { qos: 1 });
    const rogue = await open(gwOpts(7));
    const closed = closedOf(rogue);
    rogue.publish('kexin/v1/gw/8/status', '{"online":false}', { qos: 1, retain: true });
    await closed;
    assert.equal(broker.stats.refusedPublish, 1);
    const honest = await open(gwOpts(8));
    const status = nextMessage(cloud, 'kexin/v1/gw/8/status');
    await honest.publishAsync('kexin/v1/gw/8/status', '{"online":true}', { qos: 1, retain: true });
    assert.deepEqual((await status).body, { online: true }, 'the rogue message was not delivered first');
    const cut = await open(gwOpts(8));
    const cutClosed = closedOf(cut);
    cut.publish('kexin/v1/gw/8/cmd', '{}', { qos: 0 });
    await cutClosed;
    assert.equal(broker.stats.refusedPublish, 2, 'a gateway may not publish to its own cmd either');
  });
});

test('onPublish taps accepted messages (not refused ones, not $SYS) until removed', T, async () => {
  await withBroker([], async (broker, open) => {
    const seen: [string, string][] = [];
    const off = broker.onPublish((topic, payload) => seen.push([topic, payload.toString()]));
    const cloud = await open(cloudOpts);
    await cloud.publishAsync('kexin/v1/gw/7/cmd', '{"id":"a"}', { qos: 1 });
    const rogue = await open(gwOpts(8));
    const closed = closedOf(rogue);
    rogue.publish('kexin/v1/gw/7/cmd', '{"id":"forged"}', { qos: 1 });
    await closed;
    off();
    await cloud.publishAsync('kexin/v1/gw/7/cmd', '{"id":"b"}', { qos: 1 });
    assert.deepEqual(seen, [['kexin/v1/gw/7/cmd', '{"id":"a"}']]);
  });
});

test('a refused subscription gets granted QoS 0x80 and the connection keeps working', T, async () => {
  await withBroker([], async (broker, open) => {
    const gw = await open(gwOpts(7));
    await assert.rejects(gw.subscribeAsync('kexin/v1/gw/8/cmd', { qos: 1 }), refusedGrant);
    await assert.rejects(gw.subscribeAsync('kexin/v1/gw/+/cmd', { qos: 1 }), refusedGrant);
    assert.equal(broker.stats.refusedSubscribe, 2);
    assert.deepEqual(await gw.subscribeAsync('kexin/v1/gw/7/cmd', { qos: 1 }), [{ topic: 'kexin/v1/gw/7/cmd', qos: 1 }]);
    const cloud = await open(cloudOpts);
    await assert.rejects(cloud.subscribeAsync('#', { qos: 1 }), refusedGrant);
    assert.equal(broker.stats.refusedSubscribe, 3);
    const got = nextMessage(gw, 'kexin/v1/gw/7/cmd');
    await cloud.publishAsync('kexin/v1/gw/7/cmd', '{"id":"after"}', { qos: 1 });
    assert.deepEqual((await got).body, { id: 'after' });
  });
});

test('a gateway will fires on abrupt loss, retained, and may only target its own status', T, async () => {
  await withBroker([], async (broker, open) => {
    const will = (topic: string) => ({ topic, payload: Buffer.from('{"online":false}'), qos: 1 as const, retain: true });
    assert.equal(await refusedCode(open, { ...gwOpts(7), will: will('kexin/v1/gw/8/status') }), 5);
    assert.equal(await refusedCode(open, { ...gwOpts(7), will: will('kexin/v1/gw/7/event') }), 5);
    assert.equal(broker.stats.refusedConnect, 2);
    const cloud = await open(cloudOpts);
    await cloud.subscribeAsync('kexin/v1/gw/+/status', { qos: 1 });
    const gw = await open({ ...gwOpts(7), will: will('kexin/v1/gw/7/status') });
    const live = nextMessage(cloud, 'kexin/v1/gw/7/status');
    gw.stream.destroy();
    assert.deepEqual((await live).body, { online: false });
    const late = await open({ ...cloudOpts, clientId: 'late-cloud' });
    const retained = nextMessage(late, 'kexin/v1/gw/7/status');
    await late.subscribeAsync('kexin/v1/gw/7/status', { qos: 1 });
    assert.deepEqual(await retained, { body: { online: false }, retain: true });
  });
});

test('a client id held by another identity cannot be taken over', T, async () => {
  await withBroker([], async (broker, open) => {
    const cloud = await open({ ...cloudOpts, clientId: 'shared-id' });
    assert.equal(await refusedCode(open, { ...gwOpts(7), clientId: 'shared-id' }), 2);
    assert.ok(cloud.connected);
    const first = await open(gwOpts(7));
    const closed = closedOf(first);
    await open(gwOpts(7));
    await closed;
    assert.equal(broker.stats.refusedConnect, 1, 'a gateway may replace its own stale connection');
  });
});

test('a client id stays bound to its owner while the owner is offline; gw-{ap_id} belongs to that gateway', T, async () => {
  await withBroker([], async (broker, open) => {
    // Never used yet: the gateway id pattern and the cloud's ids are reserved for their owners.
    assert.equal(await refusedCode(open, { ...gwOpts(8), clientId: 'gw-7' }), 2);
    assert.equal(await refusedCode(open, { ...gwOpts(8), clientId: 'cloud-1234' }), 2);
    // A gateway may choose its own client id; once used, it is bound to that gateway.
    const own = await open({ ...gwOpts(7), clientId: 'lock-hub-AB12' });
    await own.endAsync();
    await waitUntil('the broker to see the owner\'s DISCONNECT', () => broker.stats.clients === 0, { timeoutMs: 2000 });
    assert.equal(await refusedCode(open, { ...gwOpts(8), clientId: 'lock-hub-AB12' }), 2);
    const gw7 = await open(gwOpts(7));
    await gw7.endAsync();
    assert.equal(await refusedCode(open, { ...gwOpts(8), clientId: 'gw-7' }), 2, 'squat after the owner left');
    assert.equal(broker.stats.refusedConnect, 4);
    assert.ok((await open({ ...gwOpts(7), clientId: 'lock-hub-AB12' })).connected, 'the owner gets its id back');
    assert.ok((await open(gwOpts(7))).connected);
  });
});

/** A raw TCP socket to the broker; resolves `closed` with the ms it stayed open. */
async function rawSocket(broker: Broker): Promise<{ socket: ReturnType<typeof netConnect>; closed: Promise<number> }> {
  const socket = netConnect({ host: '127.0.0.1', port: broker.port });
  socket.on('error', () => {});
  await once(socket, 'connect');
  const opened = performance.now();
  const closed = once(socket, 'close').then(() => performance.now() - opened);
  return { socket, closed };
}

const within = <T>(p: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([p, new Promise<never>((_, rej) => setTimeout(() => rej(new Error(`${what}: not within ${ms} ms`)), ms))]);

test('packet sizes are bounded before and after authentication; silent connections time out fast', T, async () => {
  const broker = await Broker.create({
    cloudPassword: 'cloud-pw', gatewaySecret: (id) => SECRETS.get(id), connectTimeoutMs: 300,
    packetLimits: { preAuthMaxBytes: 1024, gatewayMaxBytes: 4096, cloudMaxBytes: 65536 },
  });
  const clients: MqttClient[] = [];
  try {
    const huge = await rawSocket(broker);
    huge.socket.write(Buffer.from([0x10, 0x80, 0x80, 0x80, 0x60, 0x00, 0x04])); // CONNECT announcing 200 MB
    assert.ok((await within(huge.closed, 200, 'oversized CONNECT cut')) < 200);
    const silent = await rawSocket(broker);
    const ms = await within(silent.closed, 1500, 'silent socket reaped');
    assert.ok(ms >= 250, `reaped after the connect timeout (${ms.toFixed(0)} ms)`);
    const gw = await mqtt.connectAsync(broker.url, { protocolVersion: 4, reconnectPeriod: 0, ...gwOpts(7) }, false);
    const cloud = await mqtt.connectAsync(broker.url, { protocolVersion: 4, reconnectPeriod: 0, ...cloudOpts }, false);
    clients.push(gw, cloud);
    gw.on('error', () => {});
    await cloud.publishAsync('kexin/v1/gw/7/cmd', 'x'.repeat(16 * 1024), { qos: 1 });
    assert.ok(cloud.connected, 'the cloud may send 16 KiB');
    const gone = closedOf(gw);
    gw.publish('kexin/v1/gw/7/event', 'x'.repeat(16 * 1024), { qos: 0 });
    await gone;
    assert.equal(broker.stats.cutOversize, 2);
  } finally {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await broker.close();
  }
});

test('unauthenticated connections are capped per listener; the world still connects once they are reaped', T, async () => {
  const broker = await Broker.create({
    cloudPassword: 'cloud-pw', gatewaySecret: (id) => SECRETS.get(id), connectTimeoutMs: 300, maxPendingConnections: 5,
  });
  const sockets: Awaited<ReturnType<typeof rawSocket>>[] = [];
  try {
    for (let i = 0; i < 8; i++) sockets.push(await rawSocket(broker));
    const fast = await Promise.all(sockets.slice(5).map((s) => within(s.closed, 200, 'socket over the cap cut')));
    assert.equal(fast.length, 3);
    assert.equal(broker.stats.cutPending, 3);
    await Promise.all(sockets.slice(0, 5).map((s) => within(s.closed, 1500, 'reaped')));
    const gw = await mqtt.connectAsync(broker.url, { protocolVersion: 4, reconnectPeriod: 0, ...gwOpts(7) }, false);
    assert.ok(gw.connected);
    await gw.endAsync(true);
  } finally {
    for (const s of sockets) s.socket.destroy();
    await broker.close();
  }
});

test('close does not hang on connected clients or a socket that never sent CONNECT', T, async () => {
  const broker = await Broker.create({ cloudPassword: 'cloud-pw', gatewaySecret: (id) => SECRETS.get(id) });
  const client = await mqtt.connectAsync(broker.url, { protocolVersion: 4, reconnectPeriod: 0, ...cloudOpts });
  client.on('error', () => {});
  const raw = netConnect({ host: '127.0.0.1', port: broker.port });
  raw.on('error', () => {});
  await once(raw, 'connect');
  raw.write(Buffer.from([0x10])); // half a CONNECT: aedes waits for the rest
  await new Promise((r) => setTimeout(r, 50)); // real time for the server to accept it (transport, not domain time)
  const clientClosed = closedOf(client);
  const started = performance.now();
  await broker.close();
  assert.ok(performance.now() - started < 1000, 'closed promptly');
  await clientClosed;
  raw.destroy();
  await client.endAsync(true);
});

test('defect broker-anonymous: anonymous clients are accepted', T, async () => {
  assert.equal(DEFECTS['broker-anonymous'].room, 'broker');
  await withBroker(['broker-anonymous'], async (broker, open) => {
    const anon = await open({});
    assert.ok(anon.connected);
    assert.equal(broker.stats.refusedConnect, 0);
  });
});

test('defect broker-acl-open: a gateway may subscribe to another gateway cmd', T, async () => {
  assert.equal(DEFECTS['broker-acl-open'].room, 'broker');
  await withBroker(['broker-acl-open'], async (broker, open) => {
    const spy = await open(gwOpts(7));
    await spy.subscribeAsync('kexin/v1/gw/8/cmd', { qos: 1 });
    const cloud = await open(cloudOpts);
    const got = nextMessage(spy, 'kexin/v1/gw/8/cmd');
    await cloud.publishAsync('kexin/v1/gw/8/cmd', '{"id":"x"}', { qos: 1 });
    assert.deepEqual((await got).body, { id: 'x' });
    assert.equal(broker.stats.refusedSubscribe, 0);
  });
});
