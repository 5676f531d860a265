/**
 * The world's one source of domain randomness (STYLE §2): a seeded generator, forked per
 * subsystem by name, so a failing run replays exactly from its `LOCKBENCH_SEED`. A fork depends on
 * the seed and its name only — never on how much another subsystem drew before — so adding a draw
 * in one room does not shift the numbers of another. Secrets (broker passwords) and transport
 * identities (MQTT client ids) are not domain randomness and stay on `node:crypto`.
 */

/** Largest seed: seeds are unsigned 32-bit, as fast-check takes them. */
export const SEED_MAX = 0xffffffff;

export interface Rng {
  readonly seed: number;
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max) (like `crypto.randomInt`). */
  int(min: number, max: number): number;
  /** An independent generator for the named subsystem (`rng.fork('cloud')`). */
  fork(name: string): Rng;
}

/** FNV-1a over the seed's bytes and the name: a fork's seed. */
function mix(seed: number, name: string): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A seeded generator (mulberry32: 32-bit state, fast, good enough for test data). */
export function seededRng(seed: number): Rng {
  if (!Number.isInteger(seed) || seed < 0 || seed > SEED_MAX) throw new RangeError(`seed must be an integer 0…${SEED_MAX}, got ${seed}`);
  let state = seed;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x1_0000_0000;
  };
  return {
    seed,
    next,
    int(min, max) {
      if (!(Number.isSafeInteger(min) && Number.isSafeInteger(max) && max > min)) throw new RangeError(`int(${min}, ${max}): need integers with max > min`);
      return min + Math.floor(next() * (max - min));
    },
    fork: (name) => seededRng(mix(seed, name)),
  };
}

/** `LOCKBENCH_SEED` parsed, or why it cannot be. Absent is `undefined` (the caller picks a seed and prints it). */
export function parseSeed(text: string | undefined): { ok: true; seed: number | undefined } | { ok: false; error: string } {
  if (text === undefined || text === '') return { ok: true, seed: undefined };
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n > SEED_MAX) return { ok: false, error: `LOCKBENCH_SEED must be an integer 0…${SEED_MAX}, got "${text}"` };
  return { ok: true, seed: n };
}

/**
 * Faults as rates (STYLE §3: faults are data): "drop one command in ten", "20 ms ± 15 of latency",
 * "fail 5 % of pushes" — each draw from a generator forked off the world's seed (STYLE §2), so the
 * same seed and the same traffic inject the same faults. Shared by the gateway (drops, latency), the
 * push sink (refusals) and a lock's radio (losses); each counts what it injected for `GET /stats`.
 */

/** A latency drawn uniformly from [meanMs − jitterMs, meanMs + jitterMs], never below 0. */
export interface LatencySpread {
  meanMs: number;
  jitterMs: number;
}

/** What one set of dice has injected so far. */
export interface InjectedCounts {
  /** Draws that hit (a drop, a refusal, a loss). */
  hits: number;
  /** Draws made at a non-zero rate. */
  draws: number;
  /** Latencies added, and their sum in ms. */
  delays: number;
  delayMsTotal: number;
}

/** One subsystem's rates and the generator they draw from. */
export class FaultDice {
  private rate = 0;
  private spread: LatencySpread | null = null;
  private rng: Rng;
  readonly injected: InjectedCounts = { hits: 0, draws: 0, delays: 0, delayMsTotal: 0 };

  /** `name` forks the seed (`gateway:1000002`), so each subsystem draws its own sequence. */
  constructor(private readonly name: string, seed = 0) {
    this.rng = seededRng(seed).fork(name);
  }

  /**
   * New rates, drawn afresh from `seed` (the generator starts over, so a run that sets the same rates
   * before the same traffic replays the same faults). `rate` in [0, 1]; a spread of null adds no latency.
   */
  set(rate: number, spread: LatencySpread | null, seed: number): void {
    if (!(rate >= 0 && rate <= 1)) throw new RangeError(`${this.name}: rate must be in 0…1, got ${rate}`);
    this.rate = rate;
    this.spread = spread;
    this.rng = seededRng(seed).fork(this.name);
  }

  /** Back to no faults; the counters stay (they say what a run injected). */
  clear(): void {
    this.rate = 0;
    this.spread = null;
  }

  get settings(): { rate: number; latency: LatencySpread | null } {
    return { rate: this.rate, latency: this.spread };
  }

  /** Whether this event is hit (no draw at rate 0, so a world without rates draws nothing). */
  hit(): boolean {
    if (this.rate <= 0) return false;
    this.injected.draws++;
    const h = this.rng.next() < this.rate;
    if (h) this.injected.hits++;
    return h;
  }

  /** Extra latency for this event, ms (0 without a spread). */
  latencyMs(): number {
    if (!this.spread) return 0;
    const ms = Math.max(0, Math.round(this.spread.meanMs + (this.rng.next() * 2 - 1) * this.spread.jitterMs));
    this.injected.delays++;
    this.injected.delayMsTotal += ms;
    return ms;
  }
}
