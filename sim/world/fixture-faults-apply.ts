import { radioDice } from './control-locks.ts';
import type { WorldParts } from './world-parts.ts';

/**
 * The fixture's rates (fixture-faults.ts) on the world's gateways, sink and radios, each drawing afresh from the
 * world's seed: at start and by every reset, as a reset puts the world back to its fixture's start.
 */
export function applyFixtureFaults(world: WorldParts): void {
  const f = world.fixture.faults;
  for (const g of f.gateways) world.gateways.get(g.ap_id)?.faults.set(g.drop_rate, g.latency_ms, world.seed);
  if (f.push) world.sink.failShare(f.push.fail_rate, f.push.status, world.seed);
  for (const l of f.locks) radioDice(world, l.lock_id).set(l.loss_rate, null, world.seed);
}
