/**
 * TEST-PLAN LAB-05 / DESIGN §11 "Clock accuracy": how fast a device clock runs against the host's,
 * measured from whole-second readings. One reading says only which second the device was in at some
 * instant between sending and receiving; so the harness finds the *edge* where the second turns, at
 * both ends of an interval, and the rate follows from the two edges with an honest uncertainty.
 */

/** One `clock_get`: the device's whole second and the host's real-time instants around it (ms). */
export interface Reading {
  lockTime: number;
  sentMs: number;
  receivedMs: number;
}

/** The host instant the device turned to `second`: within [loMs, hiMs]. */
export interface Edge {
  second: number;
  loMs: number;
  hiMs: number;
}

export interface EdgeOptions {
  /** Real-time wait, injectable for tests. */
  sleep: (ms: number) => Promise<void>;
  /** Host clock in ms, injectable for tests. */
  nowMs: () => number;
  /** Spacing of the coarse search, ms (default 100: few requests, since a device caches answers by seq). */
  coarseMs?: number;
  /** Margin around the predicted next edge for the fine search, ms (default 40). */
  marginMs?: number;
  /** Give up after this long, ms (default 5000). */
  maxMs?: number;
}

/** The edge between the last reading of one second and the first of a later one. */
function edgeOf(before: Reading, after: Reading): Edge {
  return { second: after.lockTime, loMs: before.sentMs, hiMs: after.receivedMs };
}

/**
 * Find an edge of the device's second: a coarse search (one reading every `coarseMs`) brackets one
 * edge, then readings back to back around the next edge, a second later, narrow it to about one round
 * trip. Bounded by `maxMs`; throws saying what it saw.
 */
export async function findEdge(read: () => Promise<Reading>, o: EdgeOptions): Promise<Edge> {
  const coarseMs = o.coarseMs ?? 100;
  const marginMs = o.marginMs ?? 40;
  const deadline = o.nowMs() + (o.maxMs ?? 5000);
  let prev = await read();
  let coarse: Edge | undefined;
  while (!coarse) {
    if (o.nowMs() > deadline) throw new Error(`clock accuracy: the device clock stayed at ${prev.lockTime} for ${o.maxMs ?? 5000} ms`);
    await o.sleep(coarseMs);
    const r = await read();
    if (r.lockTime !== prev.lockTime) coarse = edgeOf(prev, r);
    else prev = r;
  }
  // The next edge comes one device second later (to within the drift, far below the margin).
  await o.sleep(Math.max(0, coarse.loMs + 1000 - marginMs - o.nowMs()));
  let last = await read();
  if (last.lockTime > coarse.second) return coarse;
  const stopAt = coarse.hiMs + 1000 + marginMs;
  while (o.nowMs() <= stopAt + 1000) {
    const r = await read();
    if (r.lockTime !== last.lockTime) return edgeOf(last, r);
    last = r;
  }
  return coarse;
}

/** The device clock's rate error between two edges: ppm and its uncertainty (both ends' widths). */
export function driftPpm(a: Edge, b: Edge): { ppm: number; uncertaintyPpm: number; hostS: number; deviceS: number } {
  const deviceS = b.second - a.second;
  const mid = (e: Edge) => (e.loMs + e.hiMs) / 2;
  const hostS = (mid(b) - mid(a)) / 1000;
  if (!(hostS > 0) || deviceS <= 0) throw new Error(`clock accuracy: edges out of order (${a.second} → ${b.second})`);
  const halfWidthS = ((a.hiMs - a.loMs) + (b.hiMs - b.loMs)) / 2 / 1000;
  const ppm = (deviceS / hostS - 1) * 1e6;
  // Over the widest and narrowest host spans the edges allow: the rate lies between them.
  const uncertaintyPpm = (deviceS * halfWidthS) / (hostS * (hostS - halfWidthS)) * 1e6;
  return { ppm, uncertaintyPpm, hostS, deviceS };
}

/** DESIGN §11: fail only when the drift exceeds `maxPpm` beyond the measurement's uncertainty. */
export function accuracyVerdict(m: { ppm: number; uncertaintyPpm: number }, maxPpm: number): { pass: boolean; reason: string } {
  const excess = Math.abs(m.ppm) - m.uncertaintyPpm;
  const text = `${m.ppm.toFixed(1)} ± ${m.uncertaintyPpm.toFixed(1)} ppm (limit ${maxPpm} ppm)`;
  return excess > maxPpm ? { pass: false, reason: `the device clock is off by ${text}` } : { pass: true, reason: text };
}
