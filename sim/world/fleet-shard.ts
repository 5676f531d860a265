import { createHash } from 'node:crypto';
import type { Fixture } from './fixture.ts';

/** Shard K of N of a fleet (DESIGN §13 fleets): 1 ≤ index ≤ count. */
export interface Shard {
  index: number;
  count: number;
}

/** Parse `K/N` (1 ≤ K ≤ N ≤ 10,000), or say what is wrong. */
export function parseShard(v: string): Shard | string {
  const m = /^(\d{1,5})\/(\d{1,5})$/.exec(v);
  if (!m) return `must be K/N, got "${v}"`;
  const [index, count] = [Number(m[1]), Number(m[2])];
  if (count < 1 || count > 10_000 || index < 1 || index > count) return `must have 1 ≤ K ≤ N ≤ 10000, got "${v}"`;
  return { index, count };
}

/** Whether a gateway is in the shard: by `ap_id`, so every machine splits one fixture the same way. */
export const inShard = (apId: number, s: Shard): boolean => apId % s.count === s.index - 1;

/** The shard's part of a fleet: its gateways and the locks behind them (locks behind no gateway stay out). */
export function shardFixture(f: Fixture, s: Shard): Fixture {
  const gateways = f.gateways.filter((g) => inShard(g.ap_id, s));
  const behind = new Set(gateways.flatMap((g) => g.locks));
  return { ...f, gateways, locks: f.locks.filter((l) => behind.has(l.lock_id)) };
}

/** First lock id and first gateway id of a generated fleet. */
export const GENERATED_LOCK_BASE = 10_000_001;
export const GENERATED_GATEWAY_BASE = 1_000_001;

// Deterministic secrets (a fleet generated twice is the same fleet), from a hash of the id and a seed.
const hex = (seed: string, what: string, id: number): string => createHash('sha256').update(`${seed}/${what}/${id}`).digest('hex').slice(0, 32);

/** A unique MAC per index (up to 2^40 locks). */
function macOf(i: number): string {
  const bytes = [0x72, Math.floor(i / 2 ** 32) & 0xff, (i >>> 24) & 0xff, (i >>> 16) & 0xff, (i >>> 8) & 0xff, i & 0xff];
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
}

/**
 * A fleet fixture (DESIGN §7) of `locks` bound locks spread round-robin over `gateways` gateways, with
 * one app of corp 0. Pushes are off (`push_url: null`): at fleet scale set the app's own receiver.
 * Returned as raw JSON, to be validated by `parseFixture` like any fixture file.
 */
export function generateFleet(locks: number, gateways: number, seed = 'lockbench'): Record<string, unknown> {
  const behind: number[][] = Array.from({ length: gateways }, () => []);
  for (let i = 0; i < locks; i++) behind[i % gateways]!.push(GENERATED_LOCK_BASE + i);
  return {
    world: { start: 1_700_000_000, tz_offset_min: 480 },
    apps: [{ app_id: 'app_fleet', app_secret: hex(seed, 'app', 0), corp_ids: [0], push_url: null }],
    gateways: behind.map((ids, g) => ({ ap_id: GENERATED_GATEWAY_BASE + g, secret: hex(seed, 'gw', GENERATED_GATEWAY_BASE + g), locks: ids })),
    locks: Array.from({ length: locks }, (_, i) => ({ lock_id: GENERATED_LOCK_BASE + i, mac: macOf(i), secret_hex: hex(seed, 'lock', GENERATED_LOCK_BASE + i) })),
  };
}
