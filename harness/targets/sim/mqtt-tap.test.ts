import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { MqttClient } from 'mqtt';
import { connectMqtt, listenOn } from '../../../sim/io/index.ts';
import { gatewayTopic, signBody } from '../../../sim/protocol/index.ts';
import { WireLog } from '../../client/wire-log.ts';
import { sequenceOf } from '../../report/sequence-model.ts';
import { hasMosquitto, startMosquitto } from './mosquitto.test-kit.ts';
import { MqttTap, TAP_VARIABLE, parseTapUrl, tapPreflight } from './mqtt-tap.ts';
import { SimSession } from './session.ts';

// DESIGN §14 on an external broker (DESIGN §13): the wire log of a test on Mosquitto holds its world's MQTT,
// drawn cloud → gateway for `cmd` and gateway → cloud for `ack`, and nothing of another namespace.
const skip = !hasMosquitto && 'mosquitto is not installed';
const MAIN_LOCK = 1000001;
const MAIN_GATEWAY = 1000002;

test('a tap URL without a user or password is refused with the reason', () => {
  const r = parseTapUrl('mqtt://tap@127.0.0.1:1');
  assert.equal(r.ok, false);
  assert.match(!r.ok ? r.error : '', /no user or no password/);
  assert.equal(parseTapUrl('mqtt://tap:p%40ss@127.0.0.1:9').ok, true);
});

test('on Mosquitto a test\'s wire log holds its world\'s cmd and ack, in order and drawn through the broker', { skip, timeout: 60_000 }, async () => {
  const mq = await startMosquitto();
  let session: SimSession | undefined;
  let stranger: MqttClient | undefined;
  try {
    session = await SimSession.start({ profile: 'kexin-2017-03', mqttUrl: mq.cloudUrl, mqttTapUrl: mq.tapUrl });
    // Another world's traffic on the same broker: the gateway's own credentials, another namespace.
    stranger = await connectMqtt(mq.url, { protocolVersion: 4, username: `gw:${MAIN_GATEWAY}`, password: `gw-secret-${MAIN_GATEWAY}`, clientId: 'stranger', reconnectPeriod: 0, connectTimeout: 2000 });
    await session.reset();
    const wire = new WireLog();
    const unwatch = session.watch(wire);
    await stranger.publishAsync(gatewayTopic(MAIN_GATEWAY, 'event', 'wother'), '{"event_id":1}', { qos: 1 });
    const app = session.app;
    const body: Record<string, unknown> = { app_id: app.appId, lock_id: MAIN_LOCK, attach: '' };
    body.sign = signBody(body, app.appSecret, await session.now());
    const res = await fetch(`${session.apiUrl}/third/lock/open`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    assert.equal(((await res.json()) as { code: number }).code, 200);
    const ns = session.world.namespace;
    assert.match(ns, /^w[0-9a-f]+$/);
    // Acknowledged by the broker just before the test ends: the end of the watch lets it arrive. Not JSON: kept as text.
    await stranger.publishAsync(gatewayTopic(MAIN_GATEWAY, 'event', ns), 'last words', { qos: 1 });
    await unwatch();
    assert.deepEqual([wire.entries.at(-1)?.summary, wire.entries.at(-1)?.detail], [gatewayTopic(MAIN_GATEWAY, 'event', ns), 'last words']);

    const mqtt = wire.entries.filter((e) => e.kind === 'mqtt');
    const topics = mqtt.map((e) => e.summary);
    const cmd = gatewayTopic(MAIN_GATEWAY, 'cmd', ns);
    const ack = gatewayTopic(MAIN_GATEWAY, 'ack', ns);
    assert.ok(topics.includes(cmd) && topics.includes(ack), topics.join(' '));
    assert.ok(topics.indexOf(cmd) < topics.indexOf(ack), 'the command before its ack');
    assert.ok(topics.every((t) => t.startsWith(`${ns}/`)), `only this world's namespace: ${topics.join(' ')}`);
    // The same entry shape as the aedes tap: the topic as summary, the body as parsed JSON.
    const command = mqtt.find((e) => e.summary === cmd)!.detail as { id: string; lock_id: number; op: string };
    assert.deepEqual([command.lock_id, command.op], [MAIN_LOCK, 'unlock']);
    assert.equal((mqtt.find((e) => e.summary === ack)!.detail as { id: string }).id, command.id);

    const arrows = sequenceOf(wire.entries).messages.filter((m) => m.entry.kind === 'mqtt');
    assert.deepEqual(arrows.find((m) => m.entry.summary === cmd)!.from, 'cloud');
    const ackArrow = arrows.find((m) => m.entry.summary === ack)!;
    assert.deepEqual([ackArrow.from, ackArrow.to, ackArrow.via], ['gateway', 'cloud', ['broker']]);
  } finally {
    await stranger?.endAsync(true);
    await session?.close();
    await mq.stop();
  }
});

test('a tap that cannot connect stops the run up front naming the variable; without one the run says so once', { skip, timeout: 30_000 }, async () => {
  const mq = await startMosquitto();
  try {
    const env = { LOCKBENCH_MQTT_URL: mq.cloudUrl };
    const said: string[] = [];
    await tapPreflight(env, (l) => said.push(l));
    assert.equal(said.length, 1);
    assert.match(said[0]!, new RegExp(`no MQTT.*${TAP_VARIABLE}`));

    const wrong = mq.tapUrl.replace(/:[0-9a-f]+@/, ':wrong@');
    await assert.rejects(tapPreflight({ ...env, [TAP_VARIABLE]: wrong }), (e: Error) => e.message.includes(TAP_VARIABLE) && !e.message.includes('wrong'));
    await assert.rejects(SimSession.start({ profile: 'kexin-2017-03', mqttUrl: mq.cloudUrl, mqttTapUrl: wrong }), new RegExp(TAP_VARIABLE));
    await tapPreflight({ ...env, [TAP_VARIABLE]: mq.tapUrl }, (l) => said.push(l));
    assert.equal(said.length, 1, 'a working tap says nothing');
  } finally {
    await mq.stop();
  }
});

/** A TCP relay to 127.0.0.1:`port` that holds every broker → client chunk `delayMs` (a broker across a slow link). */
async function slowRelay(port: number, delayMs: number): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const broker = connect({ host: '127.0.0.1', port, noDelay: true });
    client.setNoDelay(true);
    for (const s of [client, broker]) {
      sockets.add(s);
      s.on('error', () => undefined).on('close', () => { client.destroy(); broker.destroy(); });
    }
    client.on('data', (b) => broker.write(b));
    broker.on('data', (b) => setTimeout(() => client.writable && client.write(b), delayMs));
  });
  await listenOn(server, 0, '127.0.0.1');
  return {
    port: (server.address() as { port: number }).port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

test('the end of a watch waits for what the broker sent before it, over a slow link too', { skip, timeout: 30_000 }, async () => {
  const mq = await startMosquitto();
  const relay = await slowRelay(mq.port, 150);
  const ns = 'wslow';
  let tap: MqttTap | undefined;
  let gw: MqttClient | undefined;
  try {
    tap = await MqttTap.connect(mq.tapUrl.replace(`:${mq.port}`, `:${relay.port}`), ns);
    gw = await connectMqtt(mq.url, { protocolVersion: 4, username: `gw:${MAIN_GATEWAY}`, password: `gw-secret-${MAIN_GATEWAY}`, clientId: 'slow-gw', reconnectPeriod: 0, connectTimeout: 2000 });
    const wire = new WireLog();
    const unwatch = tap.watch(wire);
    // Acknowledged by the broker, so routed to the tap before the watch ends; it reaches the tap 150 ms later.
    await gw.publishAsync(gatewayTopic(MAIN_GATEWAY, 'ack', ns), '{"id":"a1","lock_id":1000001,"result":"ok","data":{}}', { qos: 1 });
    await unwatch();
    assert.deepEqual(wire.entries.map((e) => [e.kind, e.summary]), [['mqtt', gatewayTopic(MAIN_GATEWAY, 'ack', ns)]]);
    assert.deepEqual(wire.entries[0]!.detail, { id: 'a1', lock_id: 1000001, result: 'ok', data: {} });
  } finally {
    await gw?.endAsync(true);
    await tap?.close();
    await relay.close();
    await mq.stop();
  }
});
