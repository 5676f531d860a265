/**
 * Whether a fleet shard fits under its open-file limit (DESIGN §13 fleets): a shard on an external
 * broker holds one socket per gateway, plus a few for itself. Said at start instead of EMFILE minutes in.
 */
import { readFileSync } from 'node:fs';

/** Descriptors a shard holds besides its gateways' sockets: stdio, the control API, tsx, the event loop. */
export const SHARD_FD_RESERVE = 64;

/** What decides whether a shard fits. */
export interface ShardFds {
  /** Gateways in this shard (one MQTT socket each). */
  shardGateways: number;
  /** Gateways in the whole fleet, split over `shardCount` shards by ap_id. */
  fleetGateways: number;
  shardCount: number;
  /** The process's soft limit on open files (`ulimit -n`). */
  fdLimit: number;
}

/** The fewest shards whose every one fits under `fdLimit`, or null when even one gateway per shard does not fit. */
export function shardsThatFit(fleetGateways: number, fdLimit: number): number | null {
  const perShard = fdLimit - SHARD_FD_RESERVE;
  return perShard < 1 ? null : Math.ceil(fleetGateways / perShard);
}

/** Why this shard would exceed its fd limit, naming the limit and the shard count that fits; null when it fits. */
export function shardFdProblem(s: ShardFds): string | null {
  const needed = s.shardGateways + SHARD_FD_RESERVE;
  if (needed <= s.fdLimit) return null;
  const fits = shardsThatFit(s.fleetGateways, s.fdLimit);
  const advice = fits === null ? 'raise it (ulimit -n)' : `split the fleet into at least ${fits} shards (--shard K/${fits}) or raise it (ulimit -n)`;
  return `this shard's ${s.shardGateways} gateways need ${needed} open files (one socket each + ${SHARD_FD_RESERVE}), over the open-file limit of ${s.fdLimit}: ${advice}`;
}

/** The soft open-file limit of this process from /proc/self/limits, or null where that is not readable (not Linux). */
export function openFileLimit(): number | null {
  try {
    const m = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    if (!m) return null;
    return m[1] === 'unlimited' ? null : Number(m[1]);
  } catch {
    return null;
  }
}
