/**
 * The floor under bench figure `fleet N/M: ready` and `…: RSS delta`: M bare mqtt.js clients on a
 * bare aedes (the same libraries, the broker's linear retained index, no lockbench gateway, lock,
 * guard or cloud), each doing what a gateway does to come online (DESIGN §4: CONNECT with its will,
 * SUBSCRIBE `cmd`, retained `status`), then one subscriber that reads every retained status, as
 * the cloud does. In a fresh process, so RSS is its own:
 * `node --expose-gc --import tsx bench/fleet-floor.ts --gateways M` prints one JSON line (`FloorSample`).
 */
import { createServer } from 'node:net';
import { parseArgs } from 'node:util';
import { Aedes } from 'aedes';
import aedesPersistence from 'aedes-persistence';
import type { MqttClient } from 'mqtt';
import { mqttClient } from '../sim/io/index.ts';
import { gatewayTopic, topicRoot } from '../sim/protocol/index.ts';
import { withRetainedIndex } from '../sim/broker/retained-store.ts';
import { collectGarbage } from './gc.ts';

/** What the floor run measured. */
export interface FloorSample {
  gateways: number;
  /** Every client online and the subscriber holding every retained status. */
  readyMs: number;
  rssBefore: number;
  rssAfter: number;
  heapUsedDelta: number;
}

// A CommonJS module whose whole export is the factory (as in sim/broker/broker.ts).
const memoryPersistence = aedesPersistence as unknown as () => object;
/** Clients coming online at once: the world's window (sim/world/world.ts GATEWAY_STARTS_AT_ONCE). */
const AT_ONCE = 50;
const quiet = (): void => {};

function online(port: number, id: number): Promise<MqttClient> {
  const status = gatewayTopic(id, 'status', '');
  const client = mqttClient(`mqtt://127.0.0.1:${port}`, {
    protocolVersion: 4, clientId: `gw-${id}`, clean: true, keepalive: 10, reconnectPeriod: 200, resubscribe: false, log: quiet,
    will: { topic: status, payload: Buffer.from('{"online":false}'), qos: 1, retain: true },
  });
  return new Promise((resolve, reject) => {
    client.once('error', reject);
    client.once('connect', () => {
      client.subscribeAsync(gatewayTopic(id, 'cmd', ''), { qos: 1 })
        .then(() => client.publishAsync(status, '{"online":true}', { qos: 1, retain: true }))
        .then(() => resolve(client), reject);
    });
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { gateways: { type: 'string' } } });
  const gateways = Number(values.gateways);
  if (!(Number.isInteger(gateways) && gateways > 0)) throw new Error('usage: --gateways M (a positive integer)');
  collectGarbage();
  const before = process.memoryUsage();
  const t0 = performance.now();
  const aedes = await Aedes.createBroker({ persistence: withRetainedIndex(memoryPersistence()) });
  const server = createServer({ noDelay: true }, (socket) => aedes.handle(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const clients: MqttClient[] = [];
  let next = 1;
  await Promise.all(Array.from({ length: Math.min(AT_ONCE, gateways) }, async () => {
    while (next <= gateways) clients.push(await online(port, next++));
  }));
  const cloud = mqttClient(`mqtt://127.0.0.1:${port}`, { protocolVersion: 4, clientId: 'cloud', clean: true, log: quiet });
  let seen = 0;
  const all = new Promise<void>((resolve) => cloud.on('message', () => {
    if (++seen === gateways) resolve();
  }));
  await new Promise((resolve) => cloud.once('connect', resolve));
  await cloud.subscribeAsync(`${topicRoot('')}/+/status`, { qos: 1 });
  // Bounded: a floor that cannot finish reports nothing rather than hanging the bench.
  await Promise.race([all, new Promise((_, reject) => setTimeout(() => reject(new Error(`${seen}/${gateways} retained statuses in 60 s`)), 60_000).unref())]);
  const readyMs = performance.now() - t0;
  collectGarbage();
  const after = process.memoryUsage();
  for (const c of [...clients, cloud]) c.end(true);
  server.close();
  await new Promise<void>((resolve) => aedes.close(() => resolve()));
  const sample: FloorSample = { gateways, readyMs, rssBefore: before.rss, rssAfter: after.rss, heapUsedDelta: after.heapUsed - before.heapUsed };
  process.stdout.write(`${JSON.stringify(sample)}\n`);
  process.exit(0);
}

await main();
