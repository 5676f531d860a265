import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FleetSample } from './fleet-child.ts';
import type { Section } from './round-trip.ts';
import { result, round } from './stats.ts';

const CHILD = fileURLToPath(new URL('./fleet-child.ts', import.meta.url));
const MB = 1024 * 1024;

/** A child run: its sample, or why there is none. */
type ChildRun = { ok: true; sample: FleetSample; wallMs: number } | { ok: false; why: string; wallMs: number };

/** Start one fleet in a fresh `node --expose-gc` process, killed after `timeoutMs`. */
export function measureFleet(locks: number, gateways: number, requests: number, timeoutMs: number): Promise<ChildRun> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--expose-gc', '--max-old-space-size=4096', '--import', 'tsx', CHILD,
      '--locks', String(locks), '--gateways', String(gateways), '--requests', String(requests)], { stdio: ['ignore', 'pipe', 'pipe'] });
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
        if (code === 0) return resolve({ ok: true, sample: JSON.parse(line) as FleetSample, wallMs });
      } catch {
        // Falls through to the failure report below.
      }
      const lastError = err.split('\n').find((l) => /Error|EMFILE|ENOMEM|heap/i.test(l)) ?? err.trim().split('\n').pop() ?? '';
      resolve({ ok: false, why: signal ? `killed (${signal}) after ${round(wallMs / 1000)} s` : `exit ${code}: ${lastError.slice(0, 300)}`, wallMs });
    });
  });
}

const rssDelta = (s: FleetSample): number => s.rssAfter - s.rssBefore;

/** Issue 6 §3: 10k locks / 1k gateways in one process, per-lock and per-gateway cost, and the largest fleet ready in < 30 s. */
export async function fleetScale(quick: boolean): Promise<Section> {
  const locks = quick ? 1000 : 10_000;
  const gws = quick ? 100 : 1000;
  const notes: string[] = [];
  const main = await measureFleet(locks, gws, quick ? 300 : 2000, 120_000);
  // Same locks behind a tenth of the gateways: the difference prices a gateway (an MQTT connection both ends).
  const few = await measureFleet(locks, gws / 10, 0, 120_000);
  if (!main.ok) {
    notes.push(`fleet scale: ${locks} locks / ${gws} gateways did not start: ${main.why}`);
    return { results: [result(`fleet ${locks} locks / ${gws} gateways ready`, NaN, 's', null, { on: 'value', atMost: 5 }, '< 5 s')], notes };
  }
  const s = main.sample;
  const label = `fleet ${locks}/${gws}`;
  const results = [
    result(`${label}: World.create`, s.startMs / 1000, 's'),
    result(`${label}: ready (cloud sees all gateways)`, s.readyMs / 1000, 's', null, { on: 'value', atMost: 5 }, '< 5 s'),
    result(`${label}: RSS delta`, rssDelta(s) / MB, 'MB', null, { on: 'value', atMost: 500 }, '< 500 MB'),
    result(`${label}: state/get throughput (c=32)`, s.stateGetPerS, 'req/s'),
  ];
  if (few.ok) {
    const perGw = (rssDelta(s) - rssDelta(few.sample)) / (gws - gws / 10);
    const perLock = (rssDelta(few.sample) - perGw * (gws / 10)) / locks;
    results.push(result(`${label}: bytes per gateway (est.)`, perGw, 'B'), result(`${label}: bytes per lock (est.)`, perLock, 'B'));
    notes.push(`fleet scale: per-gateway = (RSSΔ ${gws} gw − RSSΔ ${gws / 10} gw) / ${gws - gws / 10}; per-lock = rest of RSSΔ(${gws / 10} gw) / ${locks}; `
      + `RSSΔ ${round(rssDelta(s) / MB)} MB vs ${round(rssDelta(few.sample) / MB)} MB, heapUsedΔ ${round(s.heapUsedDelta / MB)} MB; ready ${round(few.sample.readyMs)} ms with ${gws / 10} gateways`);
  } else {
    notes.push(`fleet scale: the ${gws / 10}-gateway comparison run failed (${few.why}); no per-lock/per-gateway split`);
  }
  if (s.stateGetFailed > 0) notes.push(`fleet scale: ${s.stateGetFailed}/${s.stateGetDone} state/get failed: ${s.failures.join('; ')}`);
  notes.push(`fleet scale: ${label} World.create ${round(s.startMs)} ms, ready ${round(s.readyMs)} ms, close ${round(s.closeMs)} ms, broker clients ${s.brokerClients}`);
  if (!quick) results.push(...(await largestFleet(notes)));
  return { results, notes };
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
