import { World } from '../sim/world/world.ts';
import { httpEchoThroughput } from './baselines.ts';
import { BENCH_APP, fleetFixture, LOCK_BASE } from './fleet-fixture.ts';
import { JsonClient, describe, envelopeOk, runLoad, signed } from './load.ts';
import type { Section } from './round-trip.ts';
import { result, round } from './stats.ts';

/** Concurrency of the throughput runs (issue 6 §2). */
export const CONCURRENCY = 32;

/** Issue 6 §2: opens spread over 1,000 locks at concurrency 32 against a raw node:http echo at the same concurrency. */
export async function throughput(quick: boolean): Promise<Section> {
  const count = quick ? 1500 : 20_000;
  const maxMs = quick ? 8_000 : 30_000;
  const locks = 1000;
  const notes: string[] = [];
  const echo = await httpEchoThroughput(count, CONCURRENCY, maxMs);

  const world = await World.create(fleetFixture(locks, 100), { ackTimeoutMs: 5000 });
  const signer = { appId: BENCH_APP.app_id, appSecret: BENCH_APP.app_secret, now: () => world.clock.now() };
  const api = new JsonClient(world.urls.api, CONCURRENCY);
  // Lock i % 1000: with 32 in flight, the same lock is never asked twice at once (that would be 365 busy).
  const open = async (i: number): Promise<true | string> => {
    const r = await api.post('/third/lock/open', signed(signer, { lock_id: LOCK_BASE + (i % locks), attach: '' }));
    return envelopeOk(r) ? true : describe(r);
  };
  let run;
  try {
    await runLoad(Math.min(1000, count), CONCURRENCY, maxMs, open);
    run = await runLoad(count, CONCURRENCY, maxMs, open);
  } finally {
    await api.close();
    await world.close();
  }
  if (run.failed > 0) notes.push(`throughput: ${run.failed}/${run.done} opens failed: ${run.failures.join('; ')}`);
  notes.push(`throughput: ${run.done} opens in ${round(run.elapsedMs)} ms over ${locks} locks behind 100 gateways; echo ${echo.done} requests in ${round(echo.elapsedMs)} ms`);
  const okPerS = ((run.done - run.failed) / run.elapsedMs) * 1000;
  return {
    results: [
      result('remote open throughput (c=32, 1000 locks)', okPerS, 'req/s',
        { name: 'node:http echo (c=32)', value: echo.perSecond, unit: 'req/s' }, { on: 'ratio', atLeast: 0.33 }, '≥ 0.33× baseline'),
    ],
    notes,
  };
}
