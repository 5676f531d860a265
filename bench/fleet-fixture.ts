import { createHash } from 'node:crypto';
import { parseFixture, type Fixture } from '../sim/world/fixture.ts';

/** The app every generated fleet has; corp 0 covers every generated lock. */
export const BENCH_APP = { app_id: 'app_bench', app_secret: 'b3nch-secret-0123456789abcdef' };
/** First lock id of a generated fleet; gateways are numbered from GATEWAY_BASE. */
export const LOCK_BASE = 10_000_001;
export const GATEWAY_BASE = 1_000_001;

/** A deterministic 32-hex-digit secret per id (no randomness: runs are comparable). */
function secretOf(id: number): string {
  return createHash('md5').update(`bench-lock-${id}`).digest('hex');
}

/** A unique MAC per index (up to 2^40 locks). */
function macOf(i: number): string {
  const bytes = [0x72, (i / 2 ** 32) & 0xff, (i >>> 24) & 0xff, (i >>> 16) & 0xff, (i >>> 8) & 0xff, i & 0xff];
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
}

/**
 * A validated fixture of `locks` bound locks spread evenly over `gateways` gateways (DESIGN §7).
 * Pushes are off (`push_url: null`) so the figures measure the request path, not the push sink.
 */
export function fleetFixture(locks: number, gateways: number): Fixture {
  const lockIds = Array.from({ length: locks }, (_, i) => LOCK_BASE + i);
  const behind: number[][] = Array.from({ length: gateways }, () => []);
  lockIds.forEach((id, i) => behind[i % gateways]!.push(id));
  const raw = {
    world: { start: 1_700_000_000 },
    apps: [{ ...BENCH_APP, corp_ids: [0], push_url: null }],
    gateways: Array.from({ length: gateways }, (_, g) => ({
      ap_id: GATEWAY_BASE + g,
      secret: `gw-secret-${GATEWAY_BASE + g}`,
      locks: behind[g]!,
    })),
    locks: lockIds.map((id, i) => ({ lock_id: id, mac: macOf(i), secret_hex: secretOf(id), battery_pct: 100 })),
  };
  const parsed = parseFixture(raw);
  if (!parsed.ok) throw new Error(`generated fixture is invalid: ${parsed.problems.slice(0, 3).map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  return parsed.fixture;
}
