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
