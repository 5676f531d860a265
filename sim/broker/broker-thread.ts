import { Worker } from 'node:worker_threads';
import type { BrokerStats } from './broker.ts';

/** What `BrokerThread` and `Broker` both offer the world and the harness. */
export interface BrokerHandle {
  readonly url: string;
  readonly port: number;
  readonly stats: BrokerStats;
  onPublish(listener: (topic: string, payload: Buffer) => void): () => void;
  close(): Promise<void>;
}

/** `BrokerOptions` in a form that crosses a thread: gateway secrets as data, not a function. */
export interface BrokerThreadData {
  entry: string;
  host: string;
  port: number;
  cloudPassword: string;
  secrets: [number, string][];
  defects: string[];
}

type PlainStats = { refusedConnect: number; refusedPublish: number; refusedSubscribe: number; cutOversize: number; cutPending: number; clients: number };

/** Main thread → broker thread. */
export type ToWorker = { type: 'tap'; on: boolean } | { type: 'close' };
/** Broker thread → main thread. */
export type FromWorker =
  | { type: 'ready'; url: string; port: number; stats: PlainStats }
  | { type: 'failed'; message: string }
  | { type: 'stats'; stats: PlainStats }
  | { type: 'publish'; topic: string; payload: Uint8Array }
  | { type: 'closed' };

/** Bound on the thread starting its broker, and on a clean stop, ms. */
const THREAD_TIMEOUT_MS = 10_000;

/**
 * The simulator's broker (`Broker`: aedes, auth, ACL, retained index) in its own worker thread, so that its
 * share of every MQTT hop runs on the second core (bench figure `remote open throughput, broker thread`). It
 * has no clock and talks to everyone over TCP, so nothing else changes; `stats` lag the thread by at most ~20
 * ms.
 */
export class BrokerThread implements BrokerHandle {
  readonly stats: BrokerStats;
  private readonly taps = new Set<(topic: string, payload: Buffer) => void>();
  private closing: Promise<void> | null = null;

  private constructor(private readonly worker: Worker, readonly url: string, readonly port: number, stats: PlainStats) {
    this.stats = stats;
    worker.on('message', (m: FromWorker) => {
      if (m.type === 'stats') Object.assign(this.stats, m.stats);
      else if (m.type === 'publish') {
        const payload = Buffer.from(m.payload.buffer, m.payload.byteOffset, m.payload.byteLength);
        for (const tap of this.taps) tap(m.topic, payload);
      }
    });
  }

  /** Start a broker thread; resolves once its broker accepts connections, rejects with its error. */
  static async create(opts: { host?: string; port?: number; cloudPassword: string; secrets: Iterable<[number, string]>; defects?: readonly string[] }): Promise<BrokerThread> {
    // From the sources the worker needs tsx registered first (thread-entry.mjs); the built package's is plain JS.
    const sources = import.meta.url.endsWith('.ts');
    const data: BrokerThreadData = {
      entry: new URL(sources ? './broker-worker.ts' : './broker-worker.js', import.meta.url).href,
      host: opts.host ?? '127.0.0.1', port: opts.port ?? 0, cloudPassword: opts.cloudPassword, secrets: [...opts.secrets], defects: [...(opts.defects ?? [])],
    };
    const worker = new Worker(sources ? new URL('./thread-entry.mjs', import.meta.url) : new URL(data.entry), { workerData: data });
    const first = await new Promise<FromWorker>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`broker thread: not listening within ${THREAD_TIMEOUT_MS} ms`)), THREAD_TIMEOUT_MS);
      const settle = (f: () => void): void => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        f();
      };
      const onMessage = (m: FromWorker): void => settle(() => resolve(m));
      const onError = (e: Error): void => settle(() => reject(e));
      worker.on('message', onMessage);
      worker.on('error', onError);
    }).catch(async (e: unknown) => {
      await worker.terminate();
      throw e;
    });
    if (first.type !== 'ready') {
      await worker.terminate();
      throw new Error(`broker thread: ${first.type === 'failed' ? first.message : `unexpected ${first.type}`}`);
    }
    return new BrokerThread(worker, first.url, first.port, first.stats);
  }

  onPublish(listener: (topic: string, payload: Buffer) => void): () => void {
    this.taps.add(listener);
    if (this.taps.size === 1) this.send({ type: 'tap', on: true });
    return () => {
      if (this.taps.delete(listener) && this.taps.size === 0) this.send({ type: 'tap', on: false });
    };
  }

  /** Stop the broker (every client socket destroyed) and the thread; a thread that does not stop in time is terminated. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      const timer = setTimeout(() => void this.worker.terminate(), THREAD_TIMEOUT_MS);
      this.worker.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      this.worker.on('message', (m: FromWorker) => {
        if (m.type === 'closed') void this.worker.terminate();
      });
      this.send({ type: 'close' });
    });
    return this.closing;
  }

  private send(m: ToWorker): void {
    this.worker.postMessage(m);
  }
}
