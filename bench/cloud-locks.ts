/**
 * Bench section `cloud-locks`: what the cloud process (`npm run sim -- --gateways none`, DESIGN §13 fleets)
 * holds per lock of a generated fleet. A child loads the fleet's file and starts the cloud-alone world the
 * way `bin/sim.ts` does, then reports its RSS and heap after garbage collection, before and after.
 * `node --import tsx bench/cloud-locks.ts --locks N [--gateways M] [--heap]` runs one size and prints the figures
 * (`--heap`: and the heap's largest holders, bench/heap-by-constructor.ts).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { writeHeapSnapshot } from 'node:v8';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateFleet } from '../sim/world/fleet-shard.ts';
import { startWorldFromFile } from '../bin/world-load.ts';
import { loadCloudPart } from '../bin/cloud-part.ts';
import { DEFAULT_FIXTURE_PATH } from '../sim/world/load.ts';
import { runChild } from './fleet-scale.ts';
import { collectGarbage } from './gc.ts';
import { heapByConstructor, type HeapSnapshot, type Holder } from './heap-by-constructor.ts';
import type { Section } from './round-trip.ts';
import { result, round } from './stats.ts';

const SELF = fileURLToPath(import.meta.url);
const MB = 1024 * 1024;
const HOLDERS_SHOWN = 12;

/** What one cloud-alone start measured (bytes; after garbage collection). */
export interface CloudLocksSample {
  locks: number;
  rssBefore: number;
  rssAfter: number;
  /** V8 heap used plus external memory (the registry's columns live outside the V8 heap). */
  heapBefore: number;
  heapAfter: number;
  startMs: number;
  /** The fixture loader thread's answer on the package's 9-lock fixture: the thread's own start-up, nearly all of it. */
  loaderStartMs: number;
  /** The heap's largest holders (`--heap`: from a heap snapshot, bench/heap-by-constructor.ts). */
  holders?: Holder[];
}

/** The largest holders of this process's heap now, from a heap snapshot (written to a temporary file and removed). */
function topHolders(): Holder[] {
  const file = writeHeapSnapshot(join(tmpdir(), `lockbench-cloud-heap-${process.pid}.heapsnapshot`));
  try {
    return heapByConstructor(JSON.parse(readFileSync(file, 'utf8')) as HeapSnapshot).slice(0, HOLDERS_SHOWN);
  } finally {
    rmSync(file, { force: true });
  }
}

/** The child: start the cloud alone on `fixture` and print a `CloudLocksSample`. */
async function child(fixture: string, locks: number, heap: boolean): Promise<void> {
  collectGarbage();
  const before = process.memoryUsage();
  const t0 = performance.now();
  const world = await startWorldFromFile(fixture, { gateways: false });
  const startMs = performance.now() - t0;
  collectGarbage();
  const after = process.memoryUsage();
  const holders = heap ? topHolders() : undefined;
  // After the memory figures: the thread's heap is not the cloud's.
  const t1 = performance.now();
  await loadCloudPart(DEFAULT_FIXTURE_PATH);
  const loaderStartMs = performance.now() - t1;
  await world.close();
  const sample: CloudLocksSample = {
    locks, rssBefore: before.rss, rssAfter: after.rss, heapBefore: before.heapUsed + before.external, heapAfter: after.heapUsed + after.external, startMs, loaderStartMs,
    ...(holders ? { holders } : {}),
  };
  process.stdout.write(`${JSON.stringify(sample)}\n`);
}

/**
 * Generate a fleet of `locks` (behind `gateways`) into a file (a function of its own: the generated JSON
 * dies with its frame) and measure the cloud alone on it in a fresh process.
 */
export async function measureCloudLocks(locks: number, gateways: number, heap = false): Promise<CloudLocksSample> {
  const dir = mkdtempSync(join(tmpdir(), 'lockbench-cloud-locks-'));
  try {
    const file = join(dir, 'fleet.json');
    writeFileSync(file, JSON.stringify(generateFleet(locks, gateways)));
    const run = await runChild<CloudLocksSample>(SELF, ['--child', '--fixture', file, '--locks', String(locks), ...(heap ? ['--heap'] : [])], 600_000);
    if (!run.ok) throw new Error(`cloud alone on ${locks} locks: ${run.why}`);
    return run.sample;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The section's figures of one sample. */
function figures(s: CloudLocksSample): Section {
  const label = `cloud alone, ${s.locks} locks`;
  return {
    results: [
      result(`${label}: RSS per lock (cloud RSS / locks)`, s.rssAfter / s.locks, 'B'),
      result(`${label}: RSS growth per lock (after start − before, / locks)`, (s.rssAfter - s.rssBefore) / s.locks, 'B'),
      result(`${label}: heap + external per lock after GC (growth / locks)`, (s.heapAfter - s.heapBefore) / s.locks, 'B'),
    ],
    notes: [
      `${label}: RSS ${round(s.rssBefore / MB)} → ${round(s.rssAfter / MB)} MB, heap + external ${round(s.heapBefore / MB)} → ${round(s.heapAfter / MB)} MB, started in ${round(s.startMs / 1000)} s (the fixture loader thread alone answers a 9-lock file in ${round(s.loaderStartMs)} ms)`,
      ...(s.holders ? [`${label}: heap by holder (B per lock): ${s.holders.map((h) => `${h.name} ${round(h.bytes / s.locks)}`).join(', ')}`] : []),
    ],
  };
}

/** Locks of the section's fleet (behind a hundredth as many gateways). */
const SECTION_LOCKS = 100_000;

/**
 * Bench section `cloud-locks`. Not in `--quick` (CI): a smaller fleet's figures would be the process's
 * fixed costs spread over few locks, and the section costs ~5 s of CI's budget.
 */
export async function cloudLocks(quick: boolean): Promise<Section> {
  if (quick) return { results: [], notes: ['cloud-locks: skipped in --quick (its figures need a fleet of 100,000)'] };
  return figures(await measureCloudLocks(SECTION_LOCKS, SECTION_LOCKS / 100));
}

if (process.argv[1] === SELF) {
  const { values } = parseArgs({ options: {
    child: { type: 'boolean', default: false }, fixture: { type: 'string' }, locks: { type: 'string' }, gateways: { type: 'string' }, heap: { type: 'boolean', default: false },
  } });
  const locks = Number(values.locks);
  if (!Number.isInteger(locks) || locks < 1) throw new Error(`--locks must be a positive integer, got "${values.locks}"`);
  if (values.child) await child(values.fixture!, locks, values.heap);
  else {
    const s = figures(await measureCloudLocks(locks, Number(values.gateways ?? Math.max(1, Math.floor(locks / 100))), values.heap));
    for (const r of s.results) process.stdout.write(`${r.name}: ${r.value} ${r.unit}\n`);
    process.stdout.write(`${s.notes.join('\n')}\n`);
  }
}
