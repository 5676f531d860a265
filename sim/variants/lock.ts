import type { Rng } from '../random.ts';
import { drawVariant, flag, intIn, oneOf, type Drawn, type Freedom, type FreedomTable } from './freedom.ts';

/**
 * The choices DESIGN §5, §6 and §11 leave to a lockwire lock, as one table. A variant drawn from it is
 * a correct device; the lab target must pass against every one (`npm run conformance:lab -- --sweep`).
 */

/**
 * DESIGN §6 "Answer caches": none; by seq alone for at most 10 s; by seq + payload bytes for a while,
 * or for as long as the device runs (one answer per seq, the latest).
 */
export type AnswerCache =
  | { kind: 'none' }
  | { kind: 'seq'; ms: number }
  | { kind: 'seq+payload'; ms: number | 'forever' };

/** Response latency by kind of op, ms, each jittered by ± `jitterMs` and never above 300 (the table's bound). */
export interface Latency {
  /** `info`, `clock_get`, `state`. */
  queryMs: number;
  /** `keypad`, `pwd_unlock`. */
  keypadMs: number;
  /** `unlock`, `ble_unlock`: the motor turns before the answer. */
  motorMs: number;
  /** `pwd_add`, `pwd_del`, `ble_time_sync`: a write to flash. */
  writeMs: number;
  jitterMs: number;
}

/** Which ops the device offers beyond the gateway ops (DESIGN §6 `caps`); `time_sync` and `keypad` always. */
export interface Caps {
  ble: boolean;
  clock: boolean;
  sim: boolean;
}

export interface LockVariant {
  cache: AnswerCache;
  latency: Latency;
  /** DESIGN §6: an unacked event is resent after this long. */
  eventResendMs: number;
  /** Sends of one event in all. */
  eventTries: number;
  /** How event seqs are numbered: from 1, from a random start, or stepping by 7 (all u8, wrapping). */
  eventSeq: 'from-1' | 'from-random' | 'stride-7';
  /** DESIGN §5.4/§11: lockout counted in lock time (a set-back ending it, keeping its rest or its end) or in the device's real time. */
  lockout: 'lock-ends' | 'lock-keeps-remaining' | 'lock-keeps-end' | 'real';
  lockoutAttempts: number;
  lockoutS: number;
  /** The device clock's rate error, ppm: within LAB-05's default 50 with room for its uncertainty. */
  driftPpm: number;
  /** DESIGN §11: where the device's second starts after a sync. */
  syncPhase: 'zero' | 'kept';
  caps: Caps;
  /** DESIGN §6: answers, events and `info` carry a vendor's fields beyond those named, at any level. */
  extraFields: boolean;
}

const MAX_LATENCY_MS = 300;

const cache: Freedom<AnswerCache> = {
  cite: 'DESIGN §6 "Answer caches"',
  range: 'none | seq/1000…10000ms | seq+payload/1000…60000ms | seq+payload/forever',
  draw(rng: Rng) {
    switch (rng.int(0, 4)) {
      case 0: return { kind: 'none' };
      case 1: return { kind: 'seq', ms: rng.int(1, 11) * 1000 };
      case 2: return { kind: 'seq+payload', ms: rng.int(1, 61) * 1000 };
      default: return { kind: 'seq+payload', ms: 'forever' };
    }
  },
  show: (c) => (c.kind === 'none' ? 'none' : `${c.kind}/${c.ms === 'forever' ? 'forever' : `${c.ms}ms`}`),
  parse(t) {
    if (t === 'none') return { kind: 'none' };
    const m = /^(seq|seq\+payload)\/(?:(\d+)ms|(forever))$/.exec(t);
    if (!m) return { error: `"${t}" is not none, seq/Nms, seq+payload/Nms or seq+payload/forever` };
    if (m[1] === 'seq') {
      const ms = Number(m[2]);
      // DESIGN §6: a cache by seq alone longer than 10 s is outside the contract.
      return m[3] || ms < 1 || ms > 10_000 ? { error: 'a cache by seq alone lives 1…10000 ms' } : { kind: 'seq', ms };
    }
    return { kind: 'seq+payload', ms: m[3] ? 'forever' : Math.max(1, Number(m[2])) };
  },
};

const latency: Freedom<Latency> = {
  cite: 'DESIGN §6 (response time is the device\'s; the host retransmits after 500 ms)',
  range: `query/keypad/motor/write 0…${MAX_LATENCY_MS - 50}ms each, jitter 0…50ms`,
  draw: (rng) => ({
    queryMs: rng.int(0, MAX_LATENCY_MS - 49), keypadMs: rng.int(0, MAX_LATENCY_MS - 49),
    motorMs: rng.int(0, MAX_LATENCY_MS - 49), writeMs: rng.int(0, MAX_LATENCY_MS - 49), jitterMs: rng.int(0, 51),
  }),
  show: (l) => `${l.queryMs}/${l.keypadMs}/${l.motorMs}/${l.writeMs}±${l.jitterMs}ms`,
  parse(t) {
    const m = /^(\d+)\/(\d+)\/(\d+)\/(\d+)±(\d+)ms$/.exec(t) ?? /^(\d+)()()()(?:±(\d+))?(?:ms)?$/.exec(t);
    if (!m) return { error: `"${t}" is not Q/K/M/W±Jms or Nms` };
    const [q, k, mo, w] = [m[1], m[2] || m[1], m[3] || m[1], m[4] || m[1]].map(Number) as [number, number, number, number];
    const j = Number(m[5] ?? 0);
    if ([q, k, mo, w].some((v) => v + j > MAX_LATENCY_MS) || j > 50) return { error: `each latency + jitter at most ${MAX_LATENCY_MS} ms, jitter at most 50` };
    return { queryMs: q, keypadMs: k, motorMs: mo, writeMs: w, jitterMs: j };
  },
};

const caps: Freedom<Caps> = {
  cite: 'DESIGN §6 `caps`',
  range: 'any of ble, clock, sim (keypad and time_sync always)',
  // Weighted towards the full set: the checks a missing cap skips are still met by most variants.
  draw: (rng) => ({ ble: rng.next() < 0.8, clock: rng.next() < 0.8, sim: rng.next() < 0.5 }),
  show: (c) => ['keypad', 'time_sync', ...(['ble', 'clock', 'sim'] as const).filter((k) => c[k])].join('+'),
  parse(t) {
    const names = t.split('+');
    const unknown = names.filter((n) => !['keypad', 'time_sync', 'ble', 'clock', 'sim'].includes(n));
    if (unknown.length) return { error: `unknown caps ${unknown.join(', ')}` };
    return { ble: names.includes('ble'), clock: names.includes('clock'), sim: names.includes('sim') };
  },
};

/** Every freedom of a lockwire lock, with where DESIGN leaves it open. */
export const LOCK_FREEDOMS: FreedomTable<LockVariant> = {
  cache,
  latency,
  eventResendMs: intIn('DESIGN §6 (events resent until acked)', 200, 1000, 'ms'),
  eventTries: intIn('DESIGN §6 (events resent until acked)', 3, 8),
  eventSeq: oneOf('DESIGN §6 (an event ack names the event\'s seq; how seqs are chosen is the device\'s)', ['from-1', 'from-random', 'stride-7']),
  lockout: oneOf('DESIGN §5.4, §11 (a lockout begun before a set-back)', ['lock-ends', 'lock-keeps-remaining', 'lock-keeps-end', 'real']),
  lockoutAttempts: intIn('DESIGN §5.4 lockout.attempts, as the bench declares it', 3, 8),
  lockoutS: intIn('DESIGN §5.4 lockout.seconds, as the bench declares it', 5, 20, 's'),
  driftPpm: intIn('TEST-PLAN LAB-05 (within LOCKBENCH_LOCK_MAX_PPM 50 and its uncertainty)', -25, 25, 'ppm'),
  syncPhase: oneOf('DESIGN §11 (the phase of the device\'s second after a sync)', ['zero', 'kept']),
  caps,
  extraFields: flag('DESIGN §6 (fields beyond those named, at any level)'),
};

/**
 * The table's one cross-field rule: TEST-PLAN LAB-03 asks a device with `sim` to lose a response and be
 * asked again under the same seq, which only a device with an answer cache can answer without acting
 * twice (DESIGN §6 "Robustness"); a device without a cache offers no `sim`.
 */
export function fitLockVariant(v: LockVariant): LockVariant {
  return v.cache.kind === 'none' && v.caps.sim ? { ...v, caps: { ...v.caps, sim: false } } : v;
}

export function drawLockVariant(seed: number): Drawn<LockVariant> {
  return drawVariant(LOCK_FREEDOMS, seed, fitLockVariant);
}

/** The variant every switch left at its default: the device `npm run serial-lock` was before variants. */
export const DEFAULT_LOCK_VARIANT: LockVariant = {
  cache: { kind: 'seq+payload', ms: 5000 },
  latency: { queryMs: 0, keypadMs: 0, motorMs: 0, writeMs: 0, jitterMs: 0 },
  eventResendMs: 500,
  eventTries: 5,
  eventSeq: 'from-1',
  lockout: 'lock-ends',
  lockoutAttempts: 5,
  lockoutS: 60,
  driftPpm: 0,
  syncPhase: 'zero',
  caps: { ble: true, clock: true, sim: true },
  extraFields: false,
};

/** The latency of one answer to `op`, ms (jitter drawn from `rng`), within 0…300. */
export function latencyOf(l: Latency, op: string, rng: Rng): number {
  const base = op === 'keypad' || op === 'pwd_unlock' ? l.keypadMs
    : op === 'unlock' || op === 'ble_unlock' ? l.motorMs
      : op === 'pwd_add' || op === 'pwd_del' || op === 'ble_time_sync' ? l.writeMs : l.queryMs;
  const jitter = l.jitterMs === 0 ? 0 : rng.int(-l.jitterMs, l.jitterMs + 1);
  return Math.min(MAX_LATENCY_MS, Math.max(0, base + jitter));
}
