import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { Aedes } from 'aedes';
import { WebSocketServer, createWebSocketStream } from 'ws';
import { gatewayTopic } from '../protocol/index.ts';
import { closeServer, listenOn, urlOf } from '../io/index.ts';
import { VirtualGateway } from './gateway.ts';
import { RadioLink } from './radio-link.ts';
import { CloudProbe, FakeLock, KIT_LOCK, statusIs, type Received } from './gateway.test-kit.ts';

const AP = 41;
const WAIT_MS = 2000;

/**
 * DESIGN §13: an external broker may be given as a `ws:` URL, and a gateway's client is then mqtt.js behind
 * `GatewayMqtt` (`sim/io/mqtt-lean-ws.ts`). Here a real aedes serves MQTT over a real WebSocket on loopback
 * (`ws`, mqtt.js's own dependency): the gateway comes online, answers a command, and after a link drop
 * (the will fires) comes back by itself.
 */
test('a gateway on a ws: URL comes online, answers a command and reconnects after a link drop, over a real WebSocket', { timeout: 10_000 }, async () => {
  const aedes = await Aedes.createBroker();
  const http = createServer();
  const wss = new WebSocketServer({ server: http });
  wss.on('connection', (socket) => aedes.handle(createWebSocketStream(socket)));
  await listenOn(http, 0, '127.0.0.1');
  const url = urlOf(http, 'ws');
  const probe = await CloudProbe.connect(url, 'cloud-pw');
  const lock = new FakeLock(KIT_LOCK);
  let gw: VirtualGateway | undefined;
  try {
    gw = await VirtualGateway.create({ apId: AP, secret: 'gw-secret', mqttUrl: url, links: [new RadioLink(lock)], reconnectPeriodMs: 50, connectTimeoutMs: 1000 });
    assert.equal(gw.online, true);
    await probe.waitFor(statusIs(AP, true), WAIT_MS, 'online status over the WebSocket');
    // Both clients are WebSocket clients of the one server: nothing went round it on TCP.
    assert.equal(wss.clients.size, 2);

    await probe.send(AP, { id: 'ws-1', lock_id: KIT_LOCK, op: 'unlock', args: { uid: 5 } });
    const ack = await probe.waitFor((m: Received) => m.topic === gatewayTopic(AP, 'ack', '') && (m.body as { id?: string }).id === 'ws-1', WAIT_MS, 'ack over the WebSocket');
    assert.deepEqual(ack.body, { id: 'ws-1', lock_id: KIT_LOCK, result: 'ok', data: {} });
    assert.deepEqual(lock.ops, [{ op: 'unlock', args: { uid: 5 } }]);

    // A link drop (`GatewayMqtt.drop`): the broker publishes the will, then the client reconnects and the session says online again.
    const onlineBefore = probe.on(AP, 'status').length;
    gw.kill();
    await probe.waitFor(statusIs(AP, false), WAIT_MS, 'the will after a link drop');
    await probe.waitFor((m) => statusIs(AP, true)(m) && probe.on(AP, 'status').indexOf(m) >= onlineBefore, WAIT_MS, 'online again after the reconnect');
    assert.equal(gw.online, true);
  } finally {
    await gw?.close();
    await probe.close();
    for (const c of wss.clients) c.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    await closeServer(http);
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
  }
});
