/**
 * A fleet shard's part of the fixture, parsed in a worker thread (DESIGN §13 fleets). Every shard parses
 * the whole fleet's file to find its part; at a million locks that parse takes the heap to ~900 MB, and
 * V8 keeps most of those pages after the garbage is collected (RSS 633–895 MB for a 125 MB heap,
 * measured). A worker's heap goes with the worker: the main thread receives the part alone (~300 MB,
 * less once the world has made its lock table of it).
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { LockColumns, type LockColumnsData } from '../sim/lock/index.ts';
import { FixtureError, loadFixture, lockSpecOf, type Fixture } from '../sim/world/index.ts';
import { shardFixture, type Shard } from '../sim/world/fleet-shard.ts';

/**
 * The shard's part without its locks, its locks as columns (`WorldOptions.lockColumns`: ~56 B a lock, where
 * a cloned fixture lock was ~700 B of the main thread's heap), and how many gateways the whole fleet has
 * (the fd check needs it).
 */
export interface ShardPart {
  part: Fixture;
  locks: LockColumns;
  fleetGateways: number;
}

type Sent = Omit<ShardPart, 'locks'> & { locks: LockColumnsData };

interface LoadRequest {
  kind: 'fleet-load';
  /** The module the worker runs (this one), for the tsx bootstrap. */
  entry: string;
  path: string;
  shard: Shard;
}

type LoadAnswer = { ok: true; value: Sent } | { ok: false; message: string; problems?: FixtureError['problems'] };

/** Load `path` and take shard `shard` of it in a worker; rejects with the loader's error (a `FixtureError` with its paths). */
export function loadShardPart(path: string, shard: Shard): Promise<ShardPart> {
  // From the sources the worker needs tsx registered first (the broker thread's bootstrap); the built package's is plain JS.
  const sources = import.meta.url.endsWith('.ts');
  const request: LoadRequest = { kind: 'fleet-load', entry: import.meta.url, path, shard };
  const worker = new Worker(sources ? new URL('../sim/broker/thread-entry.mjs', import.meta.url) : new URL(import.meta.url), { workerData: request });
  return new Promise((resolve, reject) => {
    worker.once('message', (a: LoadAnswer) => {
      if (a.ok) resolve({ ...a.value, locks: LockColumns.from(a.value.locks) });
      else reject(a.problems ? new FixtureError(a.problems) : new Error(a.message));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the fixture loader exited (${code}) without an answer`)));
  });
}

/** The answer, and the column buffers to transfer rather than copy. */
async function answer(request: LoadRequest): Promise<[LoadAnswer, ArrayBuffer[]]> {
  try {
    const whole = await loadFixture(request.path);
    const part = shardFixture(whole, request.shard);
    const { data, transfer } = new LockColumns(part.locks.map((l) => lockSpecOf(l, part.defects))).data();
    return [{ ok: true, value: { part: { ...part, locks: [] }, locks: data, fleetGateways: whole.gateways.length } }, transfer];
  } catch (e) {
    return [{ ok: false, message: (e as Error).message, ...(e instanceof FixtureError ? { problems: e.problems } : {}) }, []];
  }
}

if (!isMainThread && (workerData as Partial<LoadRequest> | null)?.kind === 'fleet-load') {
  const [a, transfer] = await answer(workerData as LoadRequest);
  parentPort!.postMessage(a, transfer);
}
