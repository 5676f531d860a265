/**
 * Clock accuracy of a lab device (DESIGN §11, TEST-PLAN LAB-05): `clock_get` reports whole
 * seconds, so one reading says little. `findEdge` polls until the device's second turns and
 * bounds the host instant of that edge by the reads on either side; two edges far apart give the
 * device's rate against the host clock with an honest uncertainty. Pure but for the two injected
 * time sources and the injected sleep; every wait is bounded.
 */
import { setTimeout as realSleep } from 'node:timers/promises';

/** The host instant at which the device's clock turned to `lockS`, ± `uncertaintyMs`. */
export interface Edge {
  lockS: number;
  hostMs: number;
  uncertaintyMs: number;
}

export interface FindEdgeOptions {
  /** Wait between coarse polls, ms. Default 20. */
  pollMs?: number;
  /** Wait between fine polls around the predicted edge, ms. Default 0 (back to back). */
  finePollMs?: number;
  /** Fine reads of one try at most (DESIGN §6's seq rules bound a host to 255 requests in 10 s). Default 40. */
  maxFineReads?: number;
  /** Predict the next edge from the first one and catch it with fine polls. Default true. */
  refine?: boolean;
  /** Fine catches at most (one device second each), stopping once an edge is bounded by about one read. Default 3. */
  refineTries?: number;
  /** Give up after this long, ms. Default 6000 (the coarse edge and three fine ones, plus round trips). */
  timeoutMs?: number;
  /** Default: setTimeout. */
  sleep?: (ms: number) => Promise<void>;
}

interface Read {
  lockS: number;
  beforeMs: number;
  afterMs: number;
}


/**
 * Poll `clockGet` (whole seconds of device time) until its value changes and return the edge.
 * The device read its clock somewhere inside each call, so the edge lies after the start of the
 * last read that showed the old second and before the end of the first that shows the new one.
 * With `refine`, a later edge is caught with back-to-back reads started shortly before it is due,
 * which shrinks the bound to about one round trip (tried again on a slow pair, bounded).
 */
export async function findEdge(clockGet: () => Promise<number>, hostNowMs: () => number, opts: FindEdgeOptions = {}): Promise<Edge> {
  const sleep = opts.sleep ?? realSleep;
  const timeoutMs = opts.timeoutMs ?? 6000;
  const deadline = hostNowMs() + timeoutMs;
  let minReadMs = Infinity;
  const read = async (): Promise<Read> => {
    const beforeMs = hostNowMs();
    const v = await clockGet();
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`clock accuracy: clock_get gave ${String(v)}, not a number`);
    const afterMs = hostNowMs();
    minReadMs = Math.min(minReadMs, afterMs - beforeMs);
    return { lockS: Math.floor(v), beforeMs, afterMs };
  };
  const edgeAfter = async (first: Read, waitMs: number): Promise<Edge> => {
    let prev = first;
    for (;;) {
      if (hostNowMs() > deadline) throw new Error(`clock accuracy: the device clock stayed at ${prev.lockS} for ${timeoutMs} ms`);
      await sleep(waitMs);
      const cur = await read();
      if (cur.lockS < prev.lockS) throw new Error(`clock accuracy: the device clock went back from ${prev.lockS} to ${cur.lockS} (a time sync meanwhile?)`);
      if (cur.lockS > prev.lockS) {
        const lo = prev.beforeMs;
        const hi = cur.afterMs;
        return { lockS: cur.lockS, hostMs: (lo + hi) / 2, uncertaintyMs: (hi - lo) / 2 };
      }
      prev = cur;
    }
  };
  const coarse = await edgeAfter(await read(), opts.pollMs ?? 20);
  if (opts.refine === false) return coarse;
  let best = coarse;
  let last = coarse;
  for (let i = 0; i < (opts.refineTries ?? 3) && deadline - hostNowMs() > 1500; i++) {
    // The next edge is due about 1000 host ms after the last (a clock 0.5 % off moves it by 5 ms);
    // start the fine reads early enough that the last old reading is surely before it.
    // A wide margin before the first fine catch; a narrow one once an edge is known to a few ms.
    const windowMs = i === 0 ? last.uncertaintyMs + 60 : 2 * best.uncertaintyMs + 15;
    const waitMs = last.hostMs + 1000 - windowMs - hostNowMs();
    if (waitMs > 0) await sleep(waitMs);
    // DESIGN §6: a host may send at most 255 requests in 10 s (no seq reused within 10 s), so the
    // fine reads of one try are spread to at most `maxFineReads` over the window.
    last = await edgeAfter(await read(), Math.max(opts.finePollMs ?? 0, windowMs / (opts.maxFineReads ?? 40)));
    if (last.uncertaintyMs < best.uncertaintyMs) best = last;
    // Back-to-back reads bound an edge by about one read; a slower pair (load) is worth another try.
    if (best.uncertaintyMs <= 1.5 * minReadMs) break;
  }
  return best;
}

/** A device's rate against the host clock between two edges. */
export interface Drift {
  /** Best estimate, ppm (positive: the device runs fast). */
  ppm: number;
  /** The true value lies within ppm ± this, given the edges' bounds. */
  uncertaintyPpm: number;
  /** Host time between the edges, s. */
  intervalS: number;
}

/** Drift between edges `a` and `b` (b later): device seconds over host seconds, with its bounds. */
export function driftPpm(a: Edge, b: Edge): Drift {
  const deviceS = b.lockS - a.lockS;
  const hostMs = b.hostMs - a.hostMs;
  const spreadMs = a.uncertaintyMs + b.uncertaintyMs;
  if (deviceS <= 0 || hostMs <= spreadMs) throw new RangeError('clock accuracy: the second edge must be later than the first by more than their uncertainty');
  const ppmAt = (ms: number): number => ((deviceS * 1000) / ms - 1) * 1e6;
  const ppm = ppmAt(hostMs);
  const hiPpm = ppmAt(hostMs - spreadMs);
  const loPpm = ppmAt(hostMs + spreadMs);
  return { ppm, uncertaintyPpm: Math.max(hiPpm - ppm, ppm - loPpm), intervalS: hostMs / 1000 };
}

/** LAB-05's verdict: fail only when the drift exceeds `maxPpm` beyond its uncertainty. */
export function verdict(m: Drift, maxPpm: number): { pass: boolean; sentence: string } {
  const pass = Math.abs(m.ppm) - m.uncertaintyPpm <= maxPpm;
  const sign = m.ppm >= 0 ? '+' : '−';
  const measured = `clock drift ${sign}${Math.abs(m.ppm).toFixed(1)} ppm ± ${m.uncertaintyPpm.toFixed(1)} ppm over ${m.intervalS.toFixed(1)} s`;
  return {
    pass,
    sentence: pass ? `${measured}: within ±${maxPpm} ppm` : `${measured}: exceeds ±${maxPpm} ppm beyond its uncertainty`,
  };
}

export interface MeasureOptions extends FindEdgeOptions {
  /** Host time between the two edges, ms (DESIGN §11: at least 30 s). Default 30000. */
  intervalMs?: number;
}

/** Find an edge, wait `intervalMs` (no time sync may happen meanwhile), find another: the drift (about 2 s more in all). */
export async function measureDrift(clockGet: () => Promise<number>, hostNowMs: () => number, opts: MeasureOptions = {}): Promise<Drift> {
  const sleep = opts.sleep ?? realSleep;
  const a = await findEdge(clockGet, hostNowMs, opts);
  // Polling starts once the interval is over, so the second edge is at least `intervalMs` later.
  const waitMs = a.hostMs + (opts.intervalMs ?? 30_000) - hostNowMs();
  if (waitMs > 0) await sleep(waitMs);
  const b = await findEdge(clockGet, hostNowMs, opts);
  return driftPpm(a, b);
}
