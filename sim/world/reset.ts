import type { WorldParts } from './world-parts.ts';
import { waitUntil } from '../io/index.ts';
import { applyFixtureFaults } from './fixture-faults-apply.ts';
import { waitQuiet } from './quiet.ts';

/** Longest a reset waits for one condition (a gateway back online, the cloud idle), ms. */
const RESET_WAIT_MS = 5000;

/** How often a reset looks again at a condition, ms: the checks are in-process reads, and every test pays the overshoot (DESIGN §13). */
const RESET_POLL_MS = 2;

/** The longest latency a spread can draw, ms. */
const maxDrawnMs = (spread: { meanMs: number; jitterMs: number } | null): number => (spread ? spread.meanMs + spread.jitterMs : 0);

/**
 * Gateway faults off and every gateway online, once what a delayed gateway still sends has landed. A
 * latency set by the last test delays only what is in hand: the wait is for that work (DESIGN §9
 * `GET /quiet`), not for twice the latency, so a reset after `latency_ms: 600` with nothing sent costs nothing.
 */
export async function clearGatewayFaults(world: WorldParts): Promise<void> {
  const latencyMs = Math.max(0, ...[...world.gateways.values()].map((g) => g.latencyMs + maxDrawnMs(g.faults.settings.latency)));
  for (const g of world.gateways.values()) {
    g.partitioned = false;
    g.redeliverNext = 0;
    g.latencyMs = 0;
    g.faults.clear();
  }
  for (const radio of world.radioFaults.values()) radio.clear();
  // A delayed ack or event of the last test is still on its way: let it land before forgetting.
  await untilQuiet(world, latencyMs);
  for (const g of world.gateways.values()) if (!g.online) await g.setOnline(true);
}

/**
 * Wait for nothing in flight (bounded by RESET_WAIT_MS, failing with what is left). Where the world
 * cannot tell (an external broker), the last test's longest latency twice over, as a round trip. Messages
 * the broker took for a cloud whose session was lost with them never arrive: counted from here on.
 */
async function untilQuiet(world: WorldParts, latencyMs: number): Promise<void> {
  const view = await waitQuiet(world, RESET_WAIT_MS);
  if (!view.known) {
    if (latencyMs > 0) await new Promise((r) => setTimeout(r, 2 * latencyMs + 20));
    return;
  }
  const stuck = view.pending.slice(view.mqtt_in_transit > 0 ? 1 : 0);
  if (stuck.length > 0) throw new Error(`world reset: still in flight after ${RESET_WAIT_MS} ms: ${stuck.join('; ')}`);
  world.cloudBound?.rebase();
}

/**
 * Put a running world back to its fixture's start (STYLE §14: a worker-scoped world, reset per test).
 * Order matters: faults off and late messages landed first, gateways back online, the cloud idle and
 * forgotten, then the clock and fresh locks, and the sink emptied last so nothing of the test before
 * reaches the next one.
 */
export async function resetWorld(world: WorldParts): Promise<void> {
  await clearGatewayFaults(world);
  await waitUntil('world reset: the cloud to see every gateway online', () => [...world.gateways.values()].every((g) => world.cloud?.gatewayOnline(g.apId) ?? true), { timeoutMs: RESET_WAIT_MS, intervalMs: RESET_POLL_MS });
  // What the gateways sent on coming back (events buffered in an outage) lands before the cloud forgets.
  await untilQuiet(world, 0);
  await world.cloud?.reset(RESET_WAIT_MS);

  world.clock.freeze();
  world.clock.set(world.fixture.world.start);
  // Every lock back to its spec, born now; the gateways' radios reach the same table (DESIGN §12).
  world.locks.reset();
  world.sink.reset();
  // The fixture's own rates are part of its start (docs/fixture-file.md §7 `faults`).
  applyFixtureFaults(world);
  // Each test starts with a clean broker record of every client (TEST-PLAN GWP-06 on sim).
  world.broker?.resetRecords();
}
