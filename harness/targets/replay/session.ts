/**
 * The `replay` target (docs/cli.md §8 "Record and replay"): the remote suite run offline against
 * a cassette recorded from a cloud. No network and no cloud: every API request is answered from the test's
 * recorded exchanges, and a request that matches none fails the test naming the nearest recorded one. It offers
 * exactly what `remote` offers (the main lock's id, nothing to control), so a spec takes the same path as when
 * it was recorded.
 */
import { readFileSync } from 'node:fs';
import type { ProfileName } from '../../../sim/protocol/index.ts';
import type { WireLog } from '../../client/wire-log.ts';
import type { Facets, TargetSession, TestExchanges } from '../core/facets.ts';
import { UNKNOWN_LOCK, type FleetRoles } from '../core/fleet.ts';
import { cloudOnlyFacets } from '../core/cloud-only.ts';
import { parseCassette, type Cassette } from './cassette.ts';
import { testKey } from './recordings.ts';
import { Player } from './tape.ts';

/** The cassette `LOCKBENCH_CASSETTE` names, or an error naming the variable and the problem. */
export function readCassette(path: string | undefined): Cassette {
  if (!path) throw new Error('--target replay needs a cassette: --cassette FILE (LOCKBENCH_CASSETTE), written by `lockbench record`');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`LOCKBENCH_CASSETTE ${path}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const parsed = parseCassette(text);
  if (!parsed.ok) throw new Error(`LOCKBENCH_CASSETTE ${path}: ${parsed.error}`);
  return parsed.cassette;
}

export class ReplaySession implements TargetSession {
  readonly name = 'replay';
  /** Nothing listens here: the client never sends (its exchange hook answers), and the contract fetch fails at once. */
  readonly apiUrl = 'replay:/';
  readonly app: { appId: string; appSecret: string };
  readonly roles: FleetRoles;

  private constructor(readonly profile: ProfileName, private readonly cassette: Cassette) {
    // Signatures are kept as «sign» (volatile.ts): the app's secret never reached the cassette and is not needed.
    this.app = { appId: cassette.app_id, appSecret: 'replay' };
    this.roles = { ids: { main: cassette.lock_id }, unknown: UNKNOWN_LOCK, faces: [] };
  }

  static open(profile: ProfileName, path = process.env.LOCKBENCH_CASSETTE): ReplaySession {
    const cassette = readCassette(path);
    if (cassette.profile !== profile) throw new Error(`LOCKBENCH_CASSETTE ${path} was recorded with profile ${cassette.profile}; run it with LOCKBENCH_PROFILE=${cassette.profile}`);
    // The specs' seeded draws (ENV-05's random bodies) must be the recorded ones, or their requests match nothing.
    const seed = process.env.LOCKBENCH_SEED;
    if (seed !== undefined && Number(seed) !== cassette.seed) throw new Error(`LOCKBENCH_CASSETTE ${path} was recorded with LOCKBENCH_SEED=${cassette.seed}, this run has ${seed}: unset it (lockbench conformance takes the cassette's)`);
    return new ReplaySession(profile, cassette);
  }

  // Request times are kept as «time» (volatile.ts), so any clock gives the recorded requests; the host's, as on remote.
  async now(): Promise<number> {
    return Date.now() / 1000;
  }

  facets(_wire: WireLog): Facets {
    return cloudOnlyFacets(this.cassette.lock_id);
  }

  /**
   * The test's recorded exchanges answer its requests; one left unasked at the end means the spec took another
   * path than when it was recorded, which is a failure of the replay, not a pass.
   */
  exchanges(test: readonly string[]): TestExchanges {
    const key = testKey(test);
    const player = new Player(key, this.cassette.tests[key]);
    return {
      hook: player.hook,
      done: async () => {
        const left = player.unused();
        if (left.length > 0) throw new Error(`replay: recorded exchanges #${left.join(', #')} of test "${key}" were never asked for: the spec took another path than when it was recorded (record it again)`);
      },
    };
  }

  // Every test replays its own exchanges: there is no state between tests to put back.
  async reset(): Promise<void> {}

  async close(): Promise<void> {}
}
