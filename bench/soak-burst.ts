/**
 * The soak's event burst on a live uplink (DESIGN §3.3/§4: nothing lost while the uplink is up): one
 * lock reports `events` Bluetooth unlocks at once — more than its gateway's queue bound of 1,000 — and
 * every one must be pushed exactly once. The soak's own push comparison counts them with the rest; these
 * figures are the burst's share, by its uids.
 */
import type { World } from '../sim/world/world.ts';
import type { ReceivedPush } from '../sim/world/push-sink.ts';

/** Uids of the burst's unlocks: far above the soak's other Bluetooth unlocks. */
export const BURST_UID_BASE = 1_000_000;

export interface BurstFigures {
  events: number;
  /** Distinct burst unlocks that reached the sink. */
  pushed: number;
  /** Burst unlocks pushed more than once. */
  duplicated: number;
  /** Events its gateway dropped (an outage only; 0 on a live uplink). */
  gatewayDropped: number;
}

/** Fire the burst on `lockId` (behind gateway `apId`, which the soak never takes down). */
export function fireBurst(world: World, lockId: number, events: number): void {
  const lock = world.locks.get(lockId);
  if (!lock) throw new Error(`soak burst: no lock ${lockId} in the world`);
  for (let i = 0; i < events; i++) lock.bleUnlock(BURST_UID_BASE + i);
}

/** The burst's figures once pushes have drained, from every push the soak saw arrive. */
export function burstFigures(pushes: readonly ReceivedPush[], world: World, lockId: number, apId: number, events: number): BurstFigures {
  const copies = new Map<number, number>();
  for (const p of pushes) {
    const b = p.body as { type: number; data: { lock_id: number; uid: number } };
    if (b.type !== 2 || b.data.lock_id !== lockId || b.data.uid < BURST_UID_BASE) continue;
    copies.set(b.data.uid, (copies.get(b.data.uid) ?? 0) + 1);
  }
  return {
    events,
    pushed: copies.size,
    duplicated: [...copies.values()].filter((n) => n > 1).length,
    gatewayDropped: world.gateways.get(apId)?.stats.eventsDropped ?? 0,
  };
}
