import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FleetSample } from './fleet-child.ts';
import type { FloorSample } from './fleet-floor.ts';
import { retainedLookupShare, type CpuProfile } from './profile.ts';
import type { Section } from './round-trip.ts';
import { quantile, result, round } from './stats.ts';

const CHILD = fileURLToPath(new URL('./fleet-child.ts', import.meta.url));
const FLOOR = fileURLToPath(new URL('./fleet-floor.ts', import.meta.url));
const MB = 1024 * 1024;

/** A child run: its sample, or why there is none. */
type ChildRun<T = FleetSample> = { ok: true; sample: T; wallMs: number } | { ok: false; why: string; wallMs: number };

/** Run `script` in a fresh `node --expose-gc` process (after `nodeArgs`), killed after `timeoutMs`; its last stdout line is the sample. */
export function runChild<T>(script: string, args: string[], timeoutMs: number, nodeArgs: string[] = []): Promise<ChildRun<T>> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...nodeArgs, '--expose-gc', '--max-old-space-size=4096', '--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => { out += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { err = (err + c.toString()).slice(-4000); });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const wallMs = performance.now() - t0;
      const line = out.trim().split('\n').pop() ?? '';
      try {
        if (code === 0) return resolve({ ok: true, sample: JSON.parse(line) as T, wallMs });
      } catch {
        // Falls through to the failure report below.
      }
      const lastError = err.split('\n').find((l) => /Error|EMFILE|ENOMEM|heap/i.test(l)) ?? err.trim().split('\n').pop() ?? '';
      resolve({ ok: false, why: signal ? `killed (${signal}) after ${round(wallMs / 1000)} s` : `exit ${code}: ${lastError.slice(0, 300)}`, wallMs });
    });
  });
}

/** Start one fleet in a fresh process (under `--cpu-prof` into `cpuProfDir` if given), killed after `timeoutMs`. */
export function measureFleet(locks: number, gateways: number, requests: number, timeoutMs: number, cpuProfDir?: string, brokerThread = false): Promise<ChildRun> {
  const prof = cpuProfDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', cpuProfDir];
  const thread = brokerThread ? ['--broker-thread'] : [];
  return runChild<FleetSample>(CHILD, ['--locks', String(locks), '--gateways', String(gateways), '--requests', String(requests), ...thread], timeoutMs, prof);
}

/** The libraries' floor under the fleet's start (bench/fleet-floor.ts), in a fresh process. */
const measureFloor = (gateways: number): Promise<ChildRun<FloorSample>> => runChild<FloorSample>(FLOOR, ['--gateways', String(gateways)], 120_000);

/** Fleet budgets (DESIGN §13): memory per virtual lock and per gateway session. */
const LOCK_BUDGET_B = 1024;
const GATEWAY_BUDGET_B = 8192;

const rssDelta = (s: { rssAfter: number; rssBefore: number }): number => s.rssAfter - s.rssBefore;

/**
 * Bench figures `fleet 10000 locks / 1000 gateways: …` and `largest fleet ready in < 30 s`: 10k locks / 1k
 * gateways in one process, per-lock and per-gateway cost, and the largest fleet ready in < 30 s.
 */
export async function fleetScale(quick: boolean): Promise<Section> {
  const locks = quick ? 1000 : 10_000;
  const gws = quick ? 100 : 1000;
  const notes: string[] = [];
  // The machine is shared and noisy: the fleet and its floor alternate, and the targets are judged on medians.
  const runs = quick ? 1 : FLEET_RUNS;
  const fleets: FleetSample[] = [];
  const floors: FloorSample[] = [];
  let failed = '';
  for (let i = 0; i < runs; i++) {
    const run = await measureFleet(locks, gws, i === 0 ? (quick ? 300 : 2000) : 0, 120_000);
    if (run.ok) fleets.push(run.sample);
    else failed = run.why;
    const floor = await measureFloor(gws);
    if (floor.ok) floors.push(floor.sample);
    else notes.push(`fleet scale: the floor of ${gws} bare clients failed: ${floor.why}`);
  }
  // Same locks behind a tenth of the gateways: the difference prices a gateway (an MQTT connection both ends).
  const few = await measureFleet(locks, gws / 10, 0, 120_000);
  if (fleets.length === 0) {
    notes.push(`fleet scale: ${locks} locks / ${gws} gateways did not start: ${failed}`);
    return { results: [result(`fleet ${locks} locks / ${gws} gateways ready`, NaN, 's', null, { on: 'value', atMost: 5 }, '< 5 s')], notes };
  }
  const s = fleets[0]!;
  const label = `fleet ${locks}/${gws}`;
  const median = (xs: number[]): number => quantile(xs, 0.5);
  const floorOf = (name: string, xs: number[], unit: string) => (xs.length > 0 ? { name: `${name}, ${gws} bare mqtt.js clients on bare aedes (median of ${xs.length})`, value: median(xs), unit } : null);
  const results = [
    result(`${label}: World.create`, s.startMs / 1000, 's'),
    result(`${label}: ready (cloud sees all gateways)`, median(fleets.map((f) => f.readyMs)) / 1000, 's',
      floorOf('ready', floors.map((f) => f.readyMs / 1000), 's'), { on: 'value', atMost: 1 }, '< 1 s'),
    result(`${label}: RSS delta`, median(fleets.map(rssDelta)) / MB, 'MB', floorOf('RSS delta', floors.map((f) => rssDelta(f) / MB), 'MB'), { on: 'value', atMost: 100 }, '< 100 MB'),
    result(`${label}: heapUsed delta`, median(fleets.map((f) => f.heapUsedDelta)) / MB, 'MB', floorOf('heapUsed delta', floors.map((f) => f.heapUsedDelta / MB), 'MB')),
    result(`${label}: state/get throughput (c=32)`, s.stateGetPerS, 'req/s'),
  ];
  notes.push(`fleet scale: ${label} ready ${fleets.map((f) => round(f.readyMs)).join(', ')} ms, RSSΔ ${fleets.map((f) => round(rssDelta(f) / MB)).join(', ')} MB `
    + `(median of ${fleets.length}); floor (bench/fleet-floor.ts) ready ${floors.map((f) => round(f.readyMs)).join(', ')} ms, RSSΔ ${floors.map((f) => round(rssDelta(f) / MB)).join(', ')} MB`);
  if (few.ok) {
    const perGw = (rssDelta(s) - rssDelta(few.sample)) / (gws - gws / 10);
    const perLock = (rssDelta(few.sample) - perGw * (gws / 10)) / locks;
    // The fleet budgets (DESIGN §13): a gateway here is both ends of its connection (client and in-process broker).
    results.push(result(`${label}: bytes per gateway (est.)`, perGw, 'B', null, { on: 'value', atMost: GATEWAY_BUDGET_B }, `≤ ${GATEWAY_BUDGET_B} B`),
      result(`${label}: bytes per lock (est.)`, perLock, 'B', null, { on: 'value', atMost: LOCK_BUDGET_B }, `≤ ${LOCK_BUDGET_B} B`));
    notes.push(`fleet scale: per-gateway = (RSSΔ ${gws} gw − RSSΔ ${gws / 10} gw) / ${gws - gws / 10}; per-lock = rest of RSSΔ(${gws / 10} gw) / ${locks}; `
      + `RSSΔ ${round(rssDelta(s) / MB)} MB vs ${round(rssDelta(few.sample) / MB)} MB, heapUsedΔ ${round(s.heapUsedDelta / MB)} MB; ready ${round(few.sample.readyMs)} ms with ${gws / 10} gateways`);
  } else {
    notes.push(`fleet scale: the ${gws / 10}-gateway comparison run failed (${few.why}); no per-lock/per-gateway split`);
  }
  if (s.stateGetFailed > 0) notes.push(`fleet scale: ${s.stateGetFailed}/${s.stateGetDone} state/get failed: ${s.failures.join('; ')}`);
  notes.push(`fleet scale: ${label} World.create ${round(s.startMs)} ms, ready ${round(s.readyMs)} ms, close ${round(s.closeMs)} ms, broker clients ${s.brokerClients}`);
  // Informational (full runs only): the same fleet with the broker in its own thread
  // (figures `…: ready, broker thread` and `…: RSS delta, broker thread`).
  const threaded = quick ? null : await measureFleet(locks, gws, 0, 120_000, undefined, true);
  if (threaded?.ok) {
    results.push(result(`${label}: ready, broker thread`, threaded.sample.readyMs / 1000, 's'),
      result(`${label}: RSS delta, broker thread`, rssDelta(threaded.sample) / MB, 'MB'));
  } else if (threaded) notes.push(`fleet scale: ${label} with the broker thread did not start: ${threaded.why}`);
  // Linearity against the median 10k start, not one run that the machine's load may have stretched.
  if (!quick) results.push(...(await startLinearity({ ...s, readyMs: median(fleets.map((f) => f.readyMs)) }, notes)), ...(await largestFleet(notes)));
  return { results, notes };
}

/** Runs of the 10k/1k fleet (and of its floor) whose medians the targets are judged on. */
const FLEET_RUNS = 3;

const LINEAR_LOCKS = 40_000;
const LINEAR_RUNS = 2;

/**
 * Bench figures `fleet 40000/4000: ready (median)` and `… share of start in the retained lookup`: start-up
 * linear in fleet size. The median ready time of a 40k-lock fleet (10 per gateway) against 4 × the 10k one's,
 * and the share of a profiled 40k start spent looking up retained messages for subscribes (quadratic before the
 * broker's retained index).
 */
async function startLinearity(tenK: FleetSample, notes: string[]): Promise<ReturnType<typeof result>[]> {
  const scale = LINEAR_LOCKS / tenK.locks;
  const ready: number[] = [];
  for (let i = 0; i < LINEAR_RUNS; i++) {
    const run = await measureFleet(LINEAR_LOCKS, LINEAR_LOCKS / 10, 0, 120_000);
    if (!run.ok) {
      notes.push(`start linearity: ${LINEAR_LOCKS} locks did not start: ${run.why}`);
      return [result(`fleet ${LINEAR_LOCKS}/${LINEAR_LOCKS / 10}: ready`, NaN, 's')];
    }
    ready.push(run.sample.readyMs);
  }
  const median = quantile(ready, 0.5);
  const dir = await mkdtemp(join(tmpdir(), 'lockbench-start-prof-'));
  let lookupPct = NaN;
  try {
    const run = await measureFleet(LINEAR_LOCKS, LINEAR_LOCKS / 10, 0, 180_000, dir);
    const file = (await readdir(dir)).find((f) => f.endsWith('.cpuprofile'));
    if (run.ok && file) lookupPct = retainedLookupShare(JSON.parse(await readFile(join(dir, file), 'utf8')) as CpuProfile);
    else notes.push(`start linearity: the profiled ${LINEAR_LOCKS}-lock start gave no profile${run.ok ? '' : `: ${run.why}`}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  notes.push(`start linearity: ${LINEAR_LOCKS}/${LINEAR_LOCKS / 10} ready ${ready.map((r) => round(r)).join(', ')} ms (median of ${LINEAR_RUNS}) vs ${scale} × ${round(tenK.readyMs)} ms for ${tenK.locks}/${tenK.gateways}; `
    + 'retained lookup = inclusive profile time under the persistence\'s retained-stream generators');
  return [
    result(`fleet ${LINEAR_LOCKS}/${LINEAR_LOCKS / 10}: ready (median)`, median / 1000, 's',
      { name: `${scale} × fleet ${tenK.locks}/${tenK.gateways} ready`, value: (scale * tenK.readyMs) / 1000, unit: 's' }, { on: 'ratio', atMost: 1.5 }, '≤ 1.5× baseline (linear)'),
    result(`fleet ${LINEAR_LOCKS}/${LINEAR_LOCKS / 10}: share of start in the retained lookup`, lookupPct, '%', null, { on: 'value', atMost: 5 }, '≤ 5 %'),
  ];
}

/** Double the fleet from 20k locks (10 per gateway) until start-up exceeds 30 s, memory 4 GB, or it fails. */
async function largestFleet(notes: string[]): Promise<ReturnType<typeof result>[]> {
  let best: FleetSample | null = null;
  let limit = 'not reached within 160k locks';
  for (let locks = 20_000; locks <= 160_000; locks *= 2) {
    const run = await measureFleet(locks, locks / 10, 500, 90_000);
    if (!run.ok) {
      limit = `${locks} locks / ${locks / 10} gateways failed: ${run.why}`;
      break;
    }
    const s = run.sample;
    notes.push(`largest fleet: ${locks}/${locks / 10} ready ${round(s.readyMs / 1000)} s, RSSΔ ${round(rssDelta(s) / MB)} MB, state/get ${round(s.stateGetPerS)} req/s${s.stateGetFailed ? ` (${s.stateGetFailed} failed)` : ''}`);
    if (s.readyMs > 30_000) {
      limit = `${locks} locks took ${round(s.readyMs / 1000)} s to be ready`;
      break;
    }
    if (s.rssAfter > 4096 * MB) {
      limit = `${locks} locks used ${round(s.rssAfter / MB)} MB RSS`;
      break;
    }
    best = s;
  }
  notes.push(`largest fleet: stopped because ${limit}`);
  if (/EMFILE/.test(limit)) {
    notes.push('largest fleet: EMFILE = the open-file limit (ulimit -n); every gateway holds two sockets in this one process (its MQTT client and the broker side), '
      + 'so about ulimit/2 gateways fit whatever the memory');
  }
  return best ? [result('largest fleet ready in < 30 s', best.locks, 'locks'), result('largest fleet: ready', best.readyMs / 1000, 's', null, { on: 'value', atMost: 30 }, '< 30 s')]
    : [result('largest fleet ready in < 30 s', 10_000, 'locks')];
}
