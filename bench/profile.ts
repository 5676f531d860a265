/**
 * CPU profile of the remote-open round trip (where bench figure `remote open p50` spends its time):
 * `npx tsx bench/profile.ts [--opens N]` re-runs itself under `node --cpu-prof`, then prints the
 * functions with the most self time.
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

/** Profile `opens` sequential remote opens in a child process; the top self-time functions and areas. */
export async function profileOpens(opens: number, top = 15): Promise<{ functions: Hot[]; areas: Hot[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'lockbench-prof-'));
  try {
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, ['--cpu-prof', '--cpu-prof-dir', dir, '--import', 'tsx', fileURLToPath(import.meta.url), '--child', '--opens', String(opens)],
        { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
      const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
      child.on('close', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    const file = (await readdir(dir)).find((f) => f.endsWith('.cpuprofile'));
    if (code !== 0 || !file) throw new Error(`profiled run exited ${code} without a profile`);
    const profile = JSON.parse(await readFile(join(dir, file), 'utf8')) as { nodes: ProfileNode[] };
    return { functions: hottest(profile, top), areas: hottestAreas(profile, top) };
  } finally {
    await rm(dir, { recursive: true, force: true });
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
  const { values } = parseArgs({ options: { child: { type: 'boolean', default: false }, opens: { type: 'string', default: '3000' } } });
  if (values.child) await child(Number(values.opens));
  else {
    const { functions, areas } = await profileOpens(Number(values.opens));
    for (const [title, rows] of [['functions by self time', functions], ['areas by self time', areas]] as const) {
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
