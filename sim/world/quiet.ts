import { waitUntil } from '../io/index.ts';
import type { WorldParts } from './world-parts.ts';
import { BadInput } from './json-http.ts';

/**
 * Whether a world is quiet (DESIGN §9 `GET /quiet`): nothing in flight anywhere that could still end in
 * a push without a test acting. A test that asserts absence or an exact count waits for this instead of a
 * fixed real-time window; a push due 200 ms from now (a retry's back-off, a gateway's latency) is pending
 * work and is waited for.
 *
 * Covered, in the order a push is made: a virtual gateway's command in hand (its latency and the lock's
 * answer included), its events on a live uplink, its connects, reconnects and status publishes; a
 * gateway gone that the broker has not yet seen go (its will is still to come); a message the broker
 * accepted for the cloud that the cloud has not handled; the cloud's commands awaiting acks and its pushes
 * queued, in delivery or waiting out a back-off (§3.4). Events a partition or an outage holds are not on
 * their way — they leave when the test heals the gateway, and from then on they are pending work.
 */
export interface QuietView {
  quiet: boolean;
  /**
   * Whether the world can tell: false with a broker it cannot tap (an external one, DESIGN §13, or one in its own thread), where a
   * message in transit to the cloud is invisible; `quiet` is then false and `pending` says why.
   */
  known: boolean;
  /** What is still in flight, in words. */
  pending: string[];
  /** Of it, MQTT messages the broker accepted for the cloud that the cloud has not handled (said first in `pending`). */
  mqtt_in_transit: number;
}

/** What is in flight in `world` now (one in-process read of every part; no I/O). */
export function quietView(world: WorldParts): QuietView {
  const pending: string[] = [];
  const { cloud, cloudBound } = world;
  const inTransit = cloud && cloudBound ? Math.max(0, cloudBound.inTransit) : 0;
  if (inTransit > 0) pending.push(`${inTransit} MQTT message(s) the broker took and the cloud has not handled`);
  for (const gw of world.gateways.values()) {
    const work = gw.pendingWork;
    if (work) pending.push(`gateway ${gw.apId}: ${work}`);
    // A gateway cut off without DISCONNECT: the broker publishes its will once it sees the socket close.
    else if (!gw.online && world.broker?.clientRecords()[`gw:${gw.apId}`]?.connected) pending.push(`gateway ${gw.apId}: its will, once the broker sees it gone`);
  }
  if (cloud) pending.push(...cloud.pendingWork().map((w) => `cloud: ${w}`));
  const known = !cloud || cloudBound !== undefined;
  if (!known) pending.push('the world cannot tap its broker (external, or in its own thread): a message on its way to the cloud cannot be seen');
  return { quiet: pending.length === 0, known, pending, mqtt_in_transit: inTransit };
}

/** Longest `GET /quiet?within_ms=` waits, ms. */
export const QUIET_WAIT_MAX_MS = 10_000;

/** How often a wait for quiet looks again, ms: an in-process read, and every settling test pays the overshoot. */
const QUIET_POLL_MS = 1;

/**
 * Wait up to `withinMs` for the world to be quiet; the view at the end either way (the caller says what
 * not quiet means). An unknowable world answers at once.
 */
export async function waitQuiet(world: WorldParts, withinMs: number): Promise<QuietView> {
  let view = quietView(world);
  if (view.quiet || !view.known || withinMs <= 0) return view;
  await waitUntil('quiet', () => (view = quietView(world)).quiet, { timeoutMs: withinMs, intervalMs: QUIET_POLL_MS }).catch(() => undefined);
  return view;
}

/** `GET /quiet?within_ms=N` (DESIGN §9): the view once quiet or after N ms (default 0: at once), never an error. */
export function quietRoute(world: WorldParts, query: URLSearchParams): Promise<QuietView> {
  const raw = query.get('within_ms') ?? '0';
  const withinMs = Number(raw);
  if (!/^\d+$/.test(raw) || withinMs > QUIET_WAIT_MAX_MS) throw new BadInput(`within_ms must be an integer of ms in 0…${QUIET_WAIT_MAX_MS}, got "${raw.slice(0, 40)}"`);
  return waitQuiet(world, withinMs);
}
