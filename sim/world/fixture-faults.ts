/**
 * Fault rates in the fixture file, as read (docs/fixture-file.md §7 `faults`; STYLE §3 faults are data): the same knobs as
 * the control API (control-faults.ts) — a gateway's `drop_rate` and `latency_ms: {mean, jitter}`, the push
 * sink's `fail_rate` and `status`, a lock radio's `loss_rate` — set when the world starts and again by every
 * reset, since a reset puts the world back to its fixture's start. Drawn from the world's seed (sim/random.ts
 * `FaultDice`), so the same seed and traffic inject the same faults.
 */
import type { LatencySpread } from '../random.ts';
import type { FieldReader } from './fixture-schema.ts';

export interface FixtureFaults {
  gateways: { ap_id: number; drop_rate: number; latency_ms: LatencySpread | null }[];
  /** The built-in push sink's refusals (apps whose `push_url` is "sink"); null: none. */
  push: { fail_rate: number; status: number } | null;
  locks: { lock_id: number; loss_rate: number }[];
}

/** Longest latency a rate may add, ms (as the control API's `latency_ms`). */
const MAX_LATENCY_MS = 60_000;
const RATE = { min: 0, max: 1 };

/** `$.faults` read with every problem at its JSON path; ids are checked against the file's gateways and locks. */
export function readFaults(r: FieldReader, raw: unknown, apIds: ReadonlySet<number>, lockIds: ReadonlySet<number>): FixtureFaults {
  const o = r.object(raw, '$.faults', true);
  r.knownKeys(o, ['gateways', 'push', 'locks'], '$.faults');
  const gateways = r.array(o.gateways, '$.faults.gateways', true).map((g, i) => {
    const p = `$.faults.gateways[${i}]`;
    const go = r.object(g, p);
    r.knownKeys(go, ['ap_id', 'drop_rate', 'latency_ms'], p);
    const apId = r.id(go, 'ap_id', p);
    if (go.ap_id !== undefined && !apIds.has(apId)) r.problem(`${p}.ap_id`, `gateway ${apId} is not in $.gateways`);
    let latency: LatencySpread | null = null;
    if (go.latency_ms !== undefined) {
      const lp = `${p}.latency_ms`;
      const lo = r.object(go.latency_ms, lp);
      r.knownKeys(lo, ['mean', 'jitter'], lp);
      const meanMs = r.num(lo, 'mean', lp, { min: 0, max: MAX_LATENCY_MS });
      const jitterMs = r.num(lo, 'jitter', lp, { def: 0, min: 0, max: MAX_LATENCY_MS });
      if (jitterMs > meanMs) r.problem(`${lp}.jitter`, 'must be at most mean (a latency is never negative)');
      latency = { meanMs, jitterMs };
    }
    return { ap_id: apId, drop_rate: r.num(go, 'drop_rate', p, { def: 0, ...RATE }), latency_ms: latency };
  });
  let push: FixtureFaults['push'] = null;
  if (o.push !== undefined) {
    const po = r.object(o.push, '$.faults.push');
    r.knownKeys(po, ['fail_rate', 'status'], '$.faults.push');
    push = { fail_rate: r.num(po, 'fail_rate', '$.faults.push', RATE), status: r.num(po, 'status', '$.faults.push', { def: 503, int: true, min: 400, max: 599 }) };
  }
  const locks = r.array(o.locks, '$.faults.locks', true).map((l, i) => {
    const p = `$.faults.locks[${i}]`;
    const lo = r.object(l, p);
    r.knownKeys(lo, ['lock_id', 'loss_rate'], p);
    const lockId = r.id(lo, 'lock_id', p);
    if (lo.lock_id !== undefined && !lockIds.has(lockId)) r.problem(`${p}.lock_id`, `lock ${lockId} is not in $.locks`);
    return { lock_id: lockId, loss_rate: r.num(lo, 'loss_rate', p, RATE) };
  });
  unique(r, gateways.map((g) => g.ap_id), (i) => `$.faults.gateways[${i}].ap_id`, 'ap_id');
  unique(r, locks.map((l) => l.lock_id), (i) => `$.faults.locks[${i}].lock_id`, 'lock_id');
  return { gateways, push, locks };
}

function unique(r: FieldReader, ids: number[], path: (i: number) => string, what: string): void {
  ids.forEach((id, i) => {
    if (ids.indexOf(id) !== i) r.problem(path(i), `duplicate ${what}: one entry per ${what}`);
  });
}
