/**
 * A world started from a fixture file (`npm run sim`, the `cloud-locks` bench), so the bench measures the
 * cloud process exactly as `bin/sim.ts` builds it.
 */
import { loadFixture, World, type WorldOptions } from '../sim/world/index.ts';

/** Load `path` (rejects with a `FixtureError` naming JSON paths) and start its world; `start` overrides `world.start`. */
export async function startWorldFromFile(path: string, opts: WorldOptions & { start?: number } = {}): Promise<World> {
  const { start, ...worldOpts } = opts;
  const fixture = await loadFixture(path);
  if (start !== undefined) fixture.world.start = start;
  return World.create(fixture, worldOpts);
}
