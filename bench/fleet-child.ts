/**
 * One fleet-scale measurement (bench figures `fleet N locks / M gateways: …`) in a fresh process, so RSS is this fleet's alone:
 * `node --expose-gc --import tsx bench/fleet-child.ts --locks N --gateways M --requests K`
 * [--broker-thread] prints one JSON line (`FleetSample`) on stdout and exits.
 */
import { parseArgs } from 'node:util';
import { World } from '../sim/world/world.ts';
import { BENCH_APP, fleetFixture, LOCK_BASE } from './fleet-fixture.ts';
import { JsonClient, describe, envelopeOk, runLoad, signed } from './load.ts';
import { collectGarbage } from './gc.ts';

/** What one fleet start measured. */
export interface FleetSample {
  locks: number;
  gateways: number;
  fixtureMs: number;
  /** World.create resolved. */
  startMs: number;
  /** The cloud saw every gateway online (what a client needs). */
  readyMs: number;
  onlineGateways: number;
  rssBefore: number;
  rssAfter: number;
  heapUsedDelta: number;
  brokerClients: number;
  stateGetPerS: number;
  stateGetDone: number;
  stateGetFailed: number;
  failures: string[];
  closeMs: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { locks: { type: 'string' }, gateways: { type: 'string' }, requests: { type: 'string', default: '2000' }, 'broker-thread': { type: 'boolean', default: false } } });
  const locks = Number(values.locks);
  const gateways = Number(values.gateways);
  const requests = Number(values.requests);
  if (!(locks > 0 && gateways > 0 && requests >= 0)) throw new Error('usage: --locks N --gateways M [--requests K]');
  let t0 = performance.now();
  const fixture = fleetFixture(locks, gateways);
  const fixtureMs = performance.now() - t0;
  collectGarbage();
  const before = process.memoryUsage();
  t0 = performance.now();
  const world = await World.create(fixture, { ackTimeoutMs: 5000, brokerThread: values['broker-thread'] });
  const startMs = performance.now() - t0;
  // World.create resolves before the cloud has read every gateway's retained `status` (DESIGN §4),
  // so "ready" is when the cloud sees all of them online; bounded so a stuck fleet still reports.
  const apIds = fixture.gateways.map((g) => g.ap_id);
  while (!apIds.every((id) => world.cloud!.gatewayOnline(id)) && performance.now() - t0 < startMs + 60_000) {
    await new Promise((r) => setTimeout(r, 5));
  }
  const readyMs = performance.now() - t0;
  const onlineGateways = apIds.filter((id) => world.cloud!.gatewayOnline(id)).length;
  collectGarbage();
  const after = process.memoryUsage();
  const brokerClients = (world.broker ?? world.brokerThread)?.stats.clients ?? 0;
  const signer = { appId: BENCH_APP.app_id, appSecret: BENCH_APP.app_secret, now: () => world.clock.now() };
  const api = new JsonClient(world.urls.api, 32);
  // A prime stride spreads the requests over the whole fleet without asking one lock twice at once.
  const stateGet = async (i: number): Promise<true | string> => {
    const r = await api.post('/third/lock/state/get', signed(signer, { lock_id: LOCK_BASE + ((i * 7919) % locks) }));
    return envelopeOk(r) && (r.json as { data?: { online?: unknown } }).data?.online === true ? true : describe(r);
  };
  let run;
  try {
    await runLoad(Math.min(200, requests), 32, 10_000, stateGet);
    run = await runLoad(requests, 32, 20_000, stateGet);
  } finally {
    await api.close();
    t0 = performance.now();
    await world.close();
  }
  const sample: FleetSample = {
    locks, gateways, fixtureMs, startMs, readyMs, onlineGateways, rssBefore: before.rss, rssAfter: after.rss, heapUsedDelta: after.heapUsed - before.heapUsed, brokerClients,
    stateGetPerS: ((run.done - run.failed) / run.elapsedMs) * 1000, stateGetDone: run.done, stateGetFailed: run.failed, failures: run.failures,
    closeMs: performance.now() - t0,
  };
  process.stdout.write(`${JSON.stringify(sample)}\n`);
}

await main();
