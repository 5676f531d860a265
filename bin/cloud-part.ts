/**
 * What the cloud alone (`--gateways none`, DESIGN §13 fleets) keeps of its fixture file: the fixture without
 * its locks, and the cloud's registry of them. A fleet's file is parsed in a worker thread: at a million
 * locks the parsed fixture was ~700 B a lock of the cloud's heap for as long as it ran, and V8 keeps most of a
 * parse's pages after the garbage is collected. The worker makes the registry (~60 B a lock) and sends it with
 * its buffers transferred; its heap goes with it. This module is the worker's whole code: it loads the fixture
 * schema and the registry, not the world (whose modules took most of the worker's start-up).
 */
import { stat } from 'node:fs/promises';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { LockRegistry, type LockRegistryData } from '../sim/cloud/lock-registry.ts';
import { FixtureError } from '../sim/world/fixture-schema.ts';
import type { Fixture } from '../sim/world/fixture.ts';
import { loadFixture } from '../sim/world/load.ts';
import { ApIndex } from '../sim/world/ap-index.ts';
import { cloudLocksOf } from '../sim/world/cloud-locks.ts';

/** A fixture file from this size (~80,000 generated locks) is parsed in a worker. */
const WORKER_FROM_BYTES = 8 * 1024 * 1024;

interface LoadRequest {
  kind: 'cloud-load';
  /** The module the worker runs (this one), for the tsx bootstrap. */
  entry: string;
  path: string;
}

type LoadAnswer = { ok: true; fixture: Fixture; locks: LockRegistryData } | { ok: false; message: string; problems?: FixtureError['problems'] };

/** The fixture at `path` without its locks, and the cloud's registry of them, made in a worker; rejects with the loader's error. */
export function loadCloudPart(path: string): Promise<{ fixture: Fixture; locks: LockRegistry }> {
  // From the sources the worker needs tsx registered first (the broker thread's bootstrap); the built package's is plain JS.
  const sources = import.meta.url.endsWith('.ts');
  const request: LoadRequest = { kind: 'cloud-load', entry: import.meta.url, path };
  const worker = new Worker(sources ? new URL('../sim/broker/thread-entry.mjs', import.meta.url) : new URL(import.meta.url), { workerData: request });
  // Settled when the thread has exited, not at its answer: until then its heap (~500 MB at a million locks)
  // is still the process's, and a cloud measured or started on top of it would count or add to it.
  let answer: LoadAnswer | undefined;
  let failure: Error | undefined;
  return new Promise((resolve, reject) => {
    worker.once('message', (a: LoadAnswer) => (answer = a));
    worker.once('error', (e) => (failure = e));
    worker.once('exit', (code) => {
      if (answer?.ok) resolve({ fixture: answer.fixture, locks: LockRegistry.from(answer.locks) });
      else if (answer) reject(answer.problems ? new FixtureError(answer.problems) : new Error(answer.message));
      else reject(failure ?? new Error(`the fixture loader exited (${code}) without an answer`));
    });
  });
}

/** The fixture without its locks and their registry: in a worker for a fleet's file, here for a small one (the worker's start-up costs more than its parse). */
export async function cloudPart(path: string): Promise<{ fixture: Fixture; locks: LockRegistry }> {
  if ((await stat(path)).size >= WORKER_FROM_BYTES) return loadCloudPart(path);
  return withoutLocks(await loadFixture(path));
}

/**
 * A fixture split into its locks' registry and the rest. The gateways keep their ids and secrets (the broker's
 * accounts, the control API's gateway routes, `/stats`) but not their lock lists (~13 B a lock): the registry
 * holds each lock's gateway, and the cloud alone reads nothing else of them.
 */
function withoutLocks(fixture: Fixture): { fixture: Fixture; locks: LockRegistry } {
  const apOf = new ApIndex();
  apOf.fill(fixture.gateways);
  const locks = cloudLocksOf(fixture.locks, apOf);
  return { fixture: { ...fixture, gateways: fixture.gateways.map((g) => ({ ...g, locks: [] })), locks: [] }, locks };
}

/** The answer, and the registry's buffers to transfer rather than copy. */
async function answer(request: LoadRequest): Promise<[LoadAnswer, ArrayBuffer[]]> {
  try {
    const { fixture, locks } = withoutLocks(await loadFixture(request.path));
    const { data, transfer } = locks.data();
    return [{ ok: true, fixture, locks: data }, transfer];
  } catch (e) {
    return [{ ok: false, message: (e as Error).message, ...(e instanceof FixtureError ? { problems: e.problems } : {}) }, []];
  }
}

if (!isMainThread && (workerData as Partial<LoadRequest> | null)?.kind === 'cloud-load') {
  const [a, transfer] = await answer(workerData as LoadRequest);
  parentPort!.postMessage(a, transfer);
}
