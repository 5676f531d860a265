/**
 * A world started from a fixture file (`npm run sim`; the `cloud-locks` bench measures this same path).
 * The cloud alone (`--gateways none`, DESIGN §13 fleets) keeps only its part of the file (cloud-part.ts).
 */
import { loadFixture, World, type WorldOptions } from '../sim/world/index.ts';
import { cloudPart } from './cloud-part.ts';

/**
 * Load `path` (rejects with a `FixtureError` naming JSON paths) and start its world; `start` overrides
 * `world.start`. Without gateways (`gateways: false`) the fixture is parsed in a worker and the world
 * keeps none of its locks but the cloud's registry.
 */
export async function startWorldFromFile(path: string, opts: WorldOptions & { start?: number } = {}): Promise<World> {
  const { start, ...worldOpts } = opts;
  const { fixture, locks } = opts.gateways === false ? await cloudPart(path) : { fixture: await loadFixture(path), locks: undefined };
  if (start !== undefined) fixture.world.start = start;
  return World.create(fixture, { ...worldOpts, ...(locks ? { cloudLocks: locks } : {}) });
}
