import { fileURLToPath } from 'node:url';
import { loadFixture } from '../sim/world/load.ts';
import { World } from '../sim/world/world.ts';
import type { Fixture } from '../sim/world/fixture.ts';
import { httpEchoRtt, mqttRequestReplyRtt } from './baselines.ts';
import { JsonClient, describe, envelopeOk, runLoad, signed, type LoadRun } from './load.ts';
import { percentiles, result, round, type BenchResult } from './stats.ts';

/** Locks of fixtures/fleet.json behind a gateway, bound, corp 0 and not near low battery (1000007 is). */
export const OPEN_LOCKS = [1000001, 1000003, 1000005, 1000017] as const;
/** Opens per battery top-up: each open costs 0.01 % and the lock cuts off below 3 %. */
const BATCH = 500;

/** What a section of the benchmark hands back. */
export interface Section {
  results: BenchResult[];
  notes: string[];
}

/** `count` sequential signed remote opens through a world of fleet.json, topping batteries up between batches. */
export async function sequentialOpens(world: World, count: number, maxMs: number): Promise<LoadRun> {
  const app = world.fixture.apps[0]!;
  const signer = { appId: app.app_id, appSecret: app.app_secret, now: () => world.clock.now() };
  const api = new JsonClient(world.urls.api, 1);
  const control = new JsonClient(world.urls.control, 1);
  const runs: LoadRun[] = [];
  try {
    const deadline = performance.now() + maxMs;
    for (let done = 0; done < count && performance.now() < deadline; done += BATCH) {
      for (const id of OPEN_LOCKS) await control.post(`/locks/${id}`, { battery_pct: 100 });
      const n = Math.min(BATCH, count - done);
      runs.push(await runLoad(n, 1, deadline - performance.now(), async (i) => {
        const lockId = OPEN_LOCKS[i % OPEN_LOCKS.length]!;
        const r = await api.post('/third/lock/open', signed(signer, { lock_id: lockId, attach: '' }));
        return envelopeOk(r) ? true : describe(r);
      }));
    }
  } finally {
    await api.close();
    await control.close();
  }
  const latencies = runs.flatMap((r) => r.latencies);
  const elapsedMs = runs.reduce((s, r) => s + r.elapsedMs, 0);
  return {
    done: latencies.length, failed: runs.reduce((s, r) => s + r.failed, 0), elapsedMs, perSecond: (latencies.length / elapsedMs) * 1000,
    latencies, failures: [...new Set(runs.flatMap((r) => r.failures))].slice(0, 5),
  };
}

/** Warm up, then measure `count` sequential opens in a fresh world of `fixture` (the broker in its own thread if asked). */
async function measureOpens(fixture: Fixture, count: number, maxMs: number, brokerThread = false): Promise<LoadRun> {
  const world = await World.create(fixture, { ackTimeoutMs: 5000, brokerThread });
  try {
    await sequentialOpens(world, Math.min(500, count), maxMs);
    return await sequentialOpens(world, count, maxMs);
  } finally {
    await world.close();
  }
}

/**
 * Bench figures `remote open p50` and `remote open p99`: remote-open p50/p99 against raw HTTP echo + raw MQTT
 * QoS 1 request/reply, same run.
 */
export async function roundTrip(quick: boolean): Promise<Section> {
  const count = quick ? 200 : 2000;
  const maxMs = quick ? 10_000 : 60_000;
  const notes: string[] = [];
  const http = percentiles((await httpEchoRtt(count, maxMs)).latencies);
  const mqtt = percentiles((await mqttRequestReplyRtt(count, maxMs)).latencies);

  const fixture = await loadFixture(fileURLToPath(new URL('../fixtures/fleet.json', import.meta.url)));
  const opens = await measureOpens(fixture, count, maxMs);
  // The same opens with every app's push_url off: the difference is what the unlock-log push costs the round trip.
  const quiet = percentiles((await measureOpens({ ...fixture, apps: fixture.apps.map((a) => ({ ...a, push_url: null })) }, count, maxMs)).latencies);
  // Informational (full runs only): one open is a chain of hops, so a second thread adds cross-thread wake-ups rather than parallelism.
  const threaded = quick ? null : percentiles((await measureOpens(fixture, count, maxMs, true)).latencies);
  const open = percentiles(opens.latencies);
  if (opens.failed > 0) notes.push(`round trip: ${opens.failed}/${opens.done} opens failed: ${opens.failures.join('; ')}`);
  if (opens.done < count) notes.push(`round trip: only ${opens.done}/${count} opens fit in ${maxMs} ms`);
  notes.push(`round trip: ${opens.done} opens over locks ${OPEN_LOCKS.join(', ')}; baselines http p50 ${round(http.p50)} ms / p99 ${round(http.p99)} ms, mqtt p50 ${round(mqtt.p50)} ms / p99 ${round(mqtt.p99)} ms`);

  const base50 = { name: 'http echo p50 + mqtt qos1 req/reply p50', value: http.p50 + mqtt.p50, unit: 'ms' };
  const base99 = { name: 'http echo p99 + mqtt qos1 req/reply p99', value: http.p99 + mqtt.p99, unit: 'ms' };
  return {
    results: [
      result('remote open p50', open.p50, 'ms', base50, { on: 'ratio', atMost: 1.5 }, '≤ 1.5× baseline'),
      result('remote open p99', open.p99, 'ms', base99, { on: 'ratio', atMost: 3 }, '≤ 3× baseline'),
      result('remote opens measured', open.n, 'count', null, { on: 'value', atLeast: count }, `≥ ${count}`),
      result('remote open p50, pushes off', quiet.p50, 'ms', base50),
      result('remote open p99, pushes off', quiet.p99, 'ms', base99),
      ...(threaded ? [result('remote open p50, broker thread', threaded.p50, 'ms', base50), result('remote open p99, broker thread', threaded.p99, 'ms', base99)] : []),
      result('http echo rtt p50', http.p50, 'ms'),
      result('mqtt qos1 request/reply rtt p50', mqtt.p50, 'ms'),
    ],
    notes,
  };
}
