import { World } from '../sim/world/world.ts';
import { httpEchoThroughput } from './baselines.ts';
import { BENCH_APP, fleetFixture, LOCK_BASE } from './fleet-fixture.ts';
import { JsonClient, describe, envelopeOk, runLoad, type LoadRun, signed } from './load.ts';
import type { Section } from './round-trip.ts';
import { result, round } from './stats.ts';

/** Concurrency of the throughput runs (bench figure `remote open throughput (c=32, 1000 locks)`). */
export const CONCURRENCY = 32;
const LOCKS = 1000;
/** Measured blocks per world, alternating between the worlds so load drift on a shared machine hits both alike. */
const BLOCKS = 4;

interface Opener {
  world: World;
  api: JsonClient;
  open(i: number): Promise<true | string>;
}

async function opener(brokerThread: boolean): Promise<Opener> {
  const world = await World.create(fleetFixture(LOCKS, 100), { ackTimeoutMs: 5000, brokerThread });
  const signer = { appId: BENCH_APP.app_id, appSecret: BENCH_APP.app_secret, now: () => world.clock.now() };
  const api = new JsonClient(world.urls.api, CONCURRENCY);
  // Lock i % 1000: with 32 in flight, the same lock is never asked twice at once (that would be 365 busy).
  const open = async (i: number): Promise<true | string> => {
    const r = await api.post('/third/lock/open', signed(signer, { lock_id: LOCK_BASE + (i % LOCKS), attach: '' }));
    return envelopeOk(r) ? true : describe(r);
  };
  return { world, api, open };
}

const okPerS = (runs: LoadRun[]): number => {
  const ok = runs.reduce((s, r) => s + r.done - r.failed, 0);
  return (ok / runs.reduce((s, r) => s + r.elapsedMs, 0)) * 1000;
};

/**
 * Bench figures `remote open throughput (c=32, 1000 locks)` and `…, broker thread`: opens spread over 1,000
 * locks at concurrency 32 against a raw node:http echo at the same concurrency; once with the whole world on
 * one event loop (the default), once with the broker in its own worker thread.
 */
export async function throughput(quick: boolean): Promise<Section> {
  const count = quick ? 1500 : 20_000;
  const maxMs = quick ? 8_000 : 30_000;
  const notes: string[] = [];
  const echo = await httpEchoThroughput(count, CONCURRENCY, maxMs);
  const worlds: Record<'inProcess' | 'thread', Opener | null> = { inProcess: null, thread: null };
  const runs: Record<'inProcess' | 'thread', LoadRun[]> = { inProcess: [], thread: [] };
  try {
    worlds.inProcess = await opener(false);
    // The broker-thread world only in full runs: --quick stays a short smoke run.
    if (!quick) worlds.thread = await opener(true);
    const kinds = quick ? (['inProcess'] as const) : (['inProcess', 'thread'] as const);
    for (const k of kinds) await runLoad(Math.min(1000, count), CONCURRENCY, maxMs, worlds[k]!.open);
    const block = Math.ceil(count / BLOCKS);
    for (let b = 0; b < BLOCKS; b++) {
      for (const k of kinds) runs[k].push(await runLoad(block, CONCURRENCY, maxMs / BLOCKS, worlds[k]!.open));
    }
  } finally {
    for (const w of [worlds.inProcess, worlds.thread]) {
      await w?.api.close();
      await w?.world.close();
    }
  }
  for (const k of ['inProcess', 'thread'] as const) {
    const failed = runs[k].reduce((s, r) => s + r.failed, 0);
    if (failed > 0) notes.push(`throughput (${k}): ${failed} opens failed: ${[...new Set(runs[k].flatMap((r) => r.failures))].slice(0, 3).join('; ')}`);
  }
  const done = (k: 'inProcess' | 'thread'): number => runs[k].reduce((s, r) => s + r.done, 0);
  notes.push(`throughput: ${done('inProcess')} opens in one event loop${quick ? '' : `, ${done('thread')} with the broker thread`}, in ${BLOCKS} alternating blocks over ${LOCKS} locks behind 100 gateways; `
    + `echo ${echo.done} requests in ${round(echo.elapsedMs)} ms`);
  const base = { name: 'node:http echo (c=32)', value: echo.perSecond, unit: 'req/s' };
  const inProcess = okPerS(runs.inProcess);
  return {
    results: [
      result('remote open throughput (c=32, 1000 locks)', inProcess, 'req/s', base, { on: 'ratio', atLeast: 0.33 }, '≥ 0.33× baseline'),
      ...(quick ? [] : [result('remote open throughput, broker thread (c=32, 1000 locks)', okPerS(runs.thread), 'req/s', base, { on: 'ratio', atLeast: 0.33 }, '≥ 0.33× baseline')]),
    ],
    notes,
  };
}
