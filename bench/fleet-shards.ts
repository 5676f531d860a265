/**
 * DESIGN §13 fleets: a generated fleet as `npm run fleet` shards on one Mosquitto, driven by the
 * cloud alone (`npm run sim -- --mqtt-url … --gateways none`), every part its own process.
 * Measures the time until the cloud sees every gateway online, RSS per process, and remote opens/s
 * on random locks, with the fleet budgets as figures. `npm run bench -- --fleet-shards [--locks L
 * --gateways G]` (default 100k / 10k; quick: 10k / 1k).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { freePort } from '../sim/io/free-port.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { generateFleet, GENERATED_LOCK_BASE } from '../sim/world/fleet-shard.ts';
import { openFileLimit, shardsThatFit } from '../bin/fleet-fds.ts';
import { JsonClient, describe, envelopeOk, runLoad, signed } from './load.ts';
import type { Section } from './round-trip.ts';
import { result, round } from './stats.ts';

/** Shards unless the fd limit wants more (the 2 cores are shared with the cloud and Mosquitto either way). */
const MIN_SHARDS = 4;
const MB = 1024 * 1024;
/**
 * Each gateway's bound on its MQTT session (`npm run fleet --connect-timeout-ms`): shards, cloud and
 * Mosquitto share 2 cores at load ~12 while a million-lock fleet starts, and 5 s was missed once.
 */
const SHARD_CONNECT_TIMEOUT_MS = 30_000;

/** Fleet budgets (issue table, DESIGN §13): what a fleet may cost on one machine. */
const BUDGET = { lockB: 1024, onlineS: 60, totalMb: 4096 } as const;

/** A fleet size for `--fleet-shards`; undefined fields take the defaults (100k / 10k, quick 10k / 1k). */
export interface FleetSize {
  locks?: number;
  gateways?: number;
}

/** RSS of a live process from /proc (bytes), or NaN. */
function rssOf(pid: number | undefined): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** Spawn a `tsx` command and resolve with its first stdout line (its ready line), bounded. */
function startReady(args: string[], timeoutMs: number, children: ChildProcess[]): Promise<Record<string, unknown>> {
  const child = spawn(process.execPath, ['--max-old-space-size=4096', '--import', 'tsx', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let err = '';
  child.stderr!.on('data', (c: Buffer) => { err = (err + c.toString()).slice(-2000); });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args[0]} not ready within ${timeoutMs} ms: ${err.trim().split('\n').pop() ?? ''}`)), timeoutMs);
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`${args[0]} exited ${code}: ${err.trim().split('\n').pop() ?? ''}`)); });
    createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolve(JSON.parse(line) as Record<string, unknown>);
    });
  });
}

async function stopAll(children: ChildProcess[]): Promise<void> {
  await Promise.all(children.map((c) => new Promise<void>((resolve) => {
    if (c.exitCode !== null || c.signalCode !== null) return resolve();
    const kill = setTimeout(() => c.kill('SIGKILL'), 10_000);
    c.once('exit', () => { clearTimeout(kill); resolve(); });
    c.kill('SIGTERM');
  })));
}

/** A small seeded PRNG (mulberry32), so the random locks are the same every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Generate the fleet's fixture into `file` and return its app. A function of its own so the generated
 * JSON (~1 GB of objects at a million locks) dies with its frame instead of staying live in this
 * process for the whole run, beside the shards, the cloud and Mosquitto.
 */
function writeFleet(file: string, locks: number, gateways: number): { app_id: string; app_secret: string } {
  const raw = generateFleet(locks, gateways);
  writeFileSync(file, JSON.stringify(raw));
  return (raw.apps as { app_id: string; app_secret: string }[])[0]!;
}

/** The `fleet-shards` section for a fleet size. */
export const fleetShards = (size: FleetSize) => (quick: boolean): Promise<Section> =>
  runFleetShards(size.locks ?? (quick ? 10_000 : 100_000), size.gateways ?? (quick ? 1_000 : 10_000));

async function runFleetShards(locks: number, gateways: number): Promise<Section> {
  const fdLimit = openFileLimit();
  const shards = Math.max(MIN_SHARDS, (fdLimit === null ? null : shardsThatFit(gateways, fdLimit)) ?? MIN_SHARDS);
  const label = `fleet ${locks}/${gateways} as ${shards} shards on mosquitto`;
  const notes: string[] = [`${label}: ${shards} shards = max(${MIN_SHARDS}, the fewest under the open-file limit ${fdLimit ?? 'unknown'})`];
  if (spawnSync('mosquitto', ['-h']).error) return { results: [], notes: [`${label}: skipped, mosquitto is not installed`] };
  const dir = mkdtempSync(join(tmpdir(), 'lockbench-fleet-'));
  const children: ChildProcess[] = [];
  try {
    const fixture = join(dir, 'fleet.json');
    const app = writeFleet(fixture, locks, gateways);
    const port = await freePort();
    const conf = spawnSync(process.execPath, ['--import', 'tsx', 'bin/broker-config.ts', '--fixture', fixture, '--out', dir, '--port', String(port)]);
    if (conf.status !== 0) throw new Error(`broker-config failed: ${conf.stderr.toString()}`);
    const url = readFileSync(join(dir, 'cloud.url'), 'utf8').trim();
    // Mosquitto's own fd limit: one socket per gateway plus the cloud; this machine's limit is 20,000.
    const broker = spawn('sh', ['-c', `ulimit -n 20000 2>/dev/null; exec mosquitto -c ${join(dir, 'mosquitto.conf')}`], { stdio: 'ignore' });
    children.push(broker);
    const cloud = await startReady(['bin/sim.ts', '--fixture', fixture, '--mqtt-url', url, '--gateways', 'none', '--start', 'now'], 60_000, children);
    const t0 = performance.now();
    const shardReady = await Promise.all(Array.from({ length: shards }, (_, k) =>
      startReady(['bin/fleet.ts', '--fixture', fixture, '--mqtt-url', url, '--shard', `${k + 1}/${shards}`, '--connect-timeout-ms', String(SHARD_CONNECT_TIMEOUT_MS)], 120_000, children)));
    const shardsUpMs = performance.now() - t0;
    let online = 0;
    const deadline = t0 + 600_000;
    while (performance.now() < deadline) {
      const stats = (await (await fetch(`${String(cloud.control)}/stats`)).json()) as { gateways_online_at_cloud: number };
      online = stats.gateways_online_at_cloud;
      if (online >= gateways) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const readyMs = performance.now() - t0;
    const shardPids = children.slice(2).map((c) => c.pid);
    const shardRss = shardPids.map(rssOf);
    const cloudRss = rssOf(children[1]!.pid);
    const brokerRss = rssOf(broker.pid);
    const total = [...shardRss, cloudRss, brokerRss].reduce((a, b) => a + b, 0);
    const shardTotal = shardRss.reduce((a, b) => a + b, 0);

    const api = new JsonClient(String(cloud.api), 32);
    const pick = rng(13);
    const signer = { appId: app.app_id, appSecret: app.app_secret, now: () => Math.floor(Date.now() / 1000) };
    // Random locks: a lock is opened at most once at a time with high probability (365 is counted as a failure).
    const open = async (): Promise<true | string> => {
      const r = await api.post('/third/lock/open', signed(signer, { lock_id: GENERATED_LOCK_BASE + Math.floor(pick() * locks), attach: '' }));
      return envelopeOk(r) ? true : describe(r);
    };
    let run;
    try {
      await runLoad(200, 32, 10_000, open);
      run = await runLoad(Math.min(5000, Math.max(1000, locks / 20)), 32, 30_000, open);
    } finally {
      await api.close();
    }
    notes.push(`${label}: shards connected in ${round(shardsUpMs / 1000)} s, cloud saw ${online}/${gateways} online after ${round(readyMs / 1000)} s; `
      + `RSS shards ${shardRss.map((b) => round(b / MB)).join(' / ')} MB, cloud ${round(cloudRss / MB)} MB, mosquitto ${round(brokerRss / MB)} MB; `
      + `opens ${run.done} done, ${run.failed} failed${run.failures.length ? ` (${run.failures.join('; ')})` : ''}; gateways per shard ${shardReady.map((s) => s.gateways).join('/')}`);
    return {
      results: [
        result(`${label}: ready (cloud sees every gateway online)`, online >= gateways ? readyMs / 1000 : NaN, 's', null, { on: 'value', atMost: BUDGET.onlineS }, `< ${BUDGET.onlineS} s`),
        result(`${label}: RSS per shard (max)`, Math.max(...shardRss) / MB, 'MB'),
        result(`${label}: RSS total (shards + cloud + mosquitto)`, total / MB, 'MB', null, { on: 'value', atMost: BUDGET.totalMb }, '< 4 GB'),
        // Shard RSS (process floor and gateway sessions included) over its locks: an upper bound of a lock's cost.
        result(`${label}: shard RSS per lock (gateway sessions and process floor included)`, shardTotal / locks, 'B', null, { on: 'value', atMost: BUDGET.lockB }, `≤ ${BUDGET.lockB} B`),
        result(`${label}: cloud bytes per lock (cloud RSS / locks)`, cloudRss / locks, 'B'),
        result(`${label}: remote opens on random locks (c=32)`, run.perSecond, 'opens/s'),
      ],
      notes,
    };
  } finally {
    await stopAll(children.reverse());
    rmSync(dir, { recursive: true, force: true });
  }
}
