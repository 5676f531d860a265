/**
 * CPU profile of the remote-open round trip (where bench figure `remote open p50` spends its time):
 * `npx tsx bench/profile.ts [--opens N]` re-runs itself under `node --cpu-prof`, then prints the
 * functions with the most self time. `--suite`: the same for the sim suite's workers (where bench figure
 * `conformance suite per-test time` goes), with the shares of idle waits, Playwright's steps and the simulator.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadFixture } from '../sim/world/load.ts';
import { World } from '../sim/world/world.ts';
import { sequentialOpens } from './round-trip.ts';
import { SUITE_PROJECT } from './suite.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface ProfileNode {
  id: number;
  hitCount?: number;
  children?: number[];
  callFrame: { functionName: string; url: string; lineNumber: number };
}

/** The part of a V8 `.cpuprofile` the benchmarks read. */
export interface CpuProfile {
  nodes: ProfileNode[];
}

/** Percent of all samples spent in `isRoot` functions and everything they call (inclusive time; nested roots count once). */
export function inclusiveShare(profile: CpuProfile, isRoot: (frame: ProfileNode['callFrame']) => boolean): number {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const total = profile.nodes.reduce((s, n) => s + (n.hitCount ?? 0), 0);
  const sum = (n: ProfileNode): number => (n.hitCount ?? 0) + (n.children ?? []).reduce((s, c) => s + sum(byId.get(c)!), 0);
  let inside = 0;
  const walk = (n: ProfileNode): void => {
    if (isRoot(n.callFrame)) inside += sum(n);
    else for (const c of n.children ?? []) walk(byId.get(c)!);
  };
  if (profile.nodes[0]) walk(profile.nodes[0]);
  return total ? (inside / total) * 100 : 0;
}

/**
 * The share of a world start spent finding retained messages for new subscriptions: the generators
 * behind aedes' `createRetainedStreamCombi` — aedes-persistence's scan, or sim/broker/retained-store.ts.
 */
export function retainedLookupShare(profile: CpuProfile): number {
  return inclusiveShare(profile, (f) => (f.functionName === 'retainedMessagesByPattern' && f.url.includes('aedes-persistence'))
    || (/^(matching|matchingAny)$/.test(f.functionName) && f.url.includes('retained-store')));
}

/** One function's share of the profile's self time. */
export interface Hot {
  fn: string;
  selfPct: number;
}

/** Where a function lives: an npm package, a sim/bench folder, node internals, or native/VM entries. */
export function areaOf(file: string): string {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
  if (pkg) return `npm:${pkg[1]}`;
  if (file.startsWith('node:')) return 'node internals';
  if (file === '') return 'native/VM (syscalls, GC, idle)';
  return file.split('/').slice(0, 2).join('/');
}

/** Sum self-time samples per key and return the `top` largest, in percent of all samples. */
function rank(profile: { nodes: ProfileNode[] }, top: number, keyOf: (fn: string, file: string, line: number) => string): Hot[] {
  const byKey = new Map<string, number>();
  let total = 0;
  for (const n of profile.nodes) {
    const hits = n.hitCount ?? 0;
    total += hits;
    const { functionName, url, lineNumber } = n.callFrame;
    const file = url.startsWith('file://') ? relative(ROOT, fileURLToPath(url)) : url;
    const key = keyOf(functionName || '(anonymous)', file, lineNumber + 1);
    byKey.set(key, (byKey.get(key) ?? 0) + hits);
  }
  return [...byKey].sort((a, b) => b[1] - a[1]).slice(0, top).map(([fn, hits]) => ({ fn, selfPct: total ? Math.round((hits / total) * 1000) / 10 : 0 }));
}

/** The `top` functions (name + file:line) by self time, in percent. */
export function hottest(profile: { nodes: ProfileNode[] }, top: number): Hot[] {
  return rank(profile, top, (fn, file, line) => (file ? `${fn} ${file}:${line}` : fn));
}

/** Self time per area (package or folder), in percent. */
export function hottestAreas(profile: { nodes: ProfileNode[] }, top: number): Hot[] {
  return rank(profile, top, (_fn, file) => areaOf(file));
}

/**
 * Run `node --cpu-prof <args>` in the repo root (child processes it forks inherit the flag and write their own
 * profile) and hand back every profile written, or throw when the run failed.
 */
async function profiledRun(args: string[], env: Record<string, string> = {}, timeoutMs = 120_000): Promise<CpuProfile[]> {
  const dir = await mkdtemp(join(tmpdir(), 'lockbench-prof-'));
  try {
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, ['--cpu-prof', '--cpu-prof-dir', dir, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.on('close', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    const files = (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile'));
    if (code !== 0 || files.length === 0) throw new Error(`profiled run exited ${code} with ${files.length} profile(s)`);
    return await Promise.all(files.map(async (f) => JSON.parse(await readFile(join(dir, f), 'utf8')) as CpuProfile));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Profile `opens` sequential remote opens in a child process; the top self-time functions and areas. */
export async function profileOpens(opens: number, top = 15): Promise<{ functions: Hot[]; areas: Hot[] }> {
  const [profile] = await profiledRun(['--import', 'tsx', fileURLToPath(import.meta.url), '--child', '--opens', String(opens)]);
  return { functions: hottest(profile!, top), areas: hottestAreas(profile!, top) };
}

/** Shares of a suite worker's samples that say where a test's time goes beyond an empty Playwright test. */
const SUITE_SHARES: [string, (f: ProfileNode['callFrame']) => boolean][] = [
  ['idle (real-time waits: settle windows, transport)', (f) => f.functionName === '(idle)'],
  ['Playwright expect steps', (f) => f.functionName === 'callMatcherAsStep'],
  ['Playwright API calls (request context, tracing)', (f) => f.functionName === '_wrapApiCall' && f.url.includes('playwright-core')],
  ['stack captures for steps', (f) => f.functionName === 'captureRawStack'],
  ['the simulator (sim/)', (f) => f.url.includes('/sim/')],
];

/**
 * Profile the sim suite (`--suite`): Playwright under `node --cpu-prof`, whose workers inherit the flag. The
 * workers' profiles (those with Playwright's worker entry) are summed: self time by area and function, and the SUITE_SHARES.
 */
export async function profileSuite(project: string, top = 15): Promise<{ functions: Hot[]; areas: Hot[]; shares: Hot[] }> {
  const reports = await mkdtemp(join(tmpdir(), 'lockbench-suite-prof-'));
  try {
    const profiles = await profiledRun([join(ROOT, 'node_modules/@playwright/test/cli.js'), 'test', '--project', project, '--reporter=dot'],
      { LOCKBENCH_REPORTS: reports, LOCKBENCH_MATRIX_DIR: reports }, 600_000);
    const workers = profiles.filter((p) => p.nodes.some((n) => n.callFrame.url.includes('workerProcessEntry')));
    const samples = (p: CpuProfile): number => p.nodes.reduce((sum, n) => sum + (n.hitCount ?? 0), 0);
    const total = workers.reduce((sum, p) => sum + samples(p), 0);
    const shares = SUITE_SHARES.map(([fn, isRoot]) => ({
      fn, selfPct: Math.round(workers.reduce((sum, p) => sum + (inclusiveShare(p, isRoot) * samples(p)) / 100, 0) / total * 1000) / 10,
    }));
    const merged = { nodes: workers.flatMap((p) => p.nodes) };
    return { functions: hottest(merged, top), areas: hottestAreas(merged, top), shares };
  } finally {
    await rm(reports, { recursive: true, force: true });
  }
}

async function child(opens: number): Promise<void> {
  const world = await World.create(await loadFixture(join(ROOT, 'fixtures/fleet.json')), { ackTimeoutMs: 5000 });
  try {
    await sequentialOpens(world, opens, 60_000);
  } finally {
    await world.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { child: { type: 'boolean', default: false }, opens: { type: 'string', default: '3000' }, suite: { type: 'boolean', default: false } } });
  if (values.child) await child(Number(values.opens));
  else {
    const found: { functions: Hot[]; areas: Hot[]; shares?: Hot[] } = values.suite ? await profileSuite(SUITE_PROJECT) : await profileOpens(Number(values.opens));
    const sections: [string, Hot[]][] = [['functions by self time', found.functions], ['areas by self time', found.areas]];
    if (found.shares) sections.push(["inclusive shares of the workers' samples", found.shares]);
    for (const [title, rows] of sections) {
      process.stdout.write(`${title}:\n${rows.map((h) => `${h.selfPct.toFixed(1).padStart(5)} %  ${h.fn}`).join('\n')}\n`);
    }
  }
}

/** The profile as a benchmark section: notes only (full runs; `--quick` skips it). */
export async function profileSection(quick: boolean): Promise<{ results: []; notes: string[] }> {
  if (quick) return { results: [], notes: ['profile: skipped in --quick'] };
  const { functions, areas } = await profileOpens(3000, 10);
  const list = (rows: Hot[]): string => rows.map((h) => `${h.fn} ${h.selfPct}%`).join('; ');
  return { results: [], notes: [`profile (3000 sequential opens, --cpu-prof): top self time: ${list(functions)}`, `profile by area: ${list(areas)}`] };
}
