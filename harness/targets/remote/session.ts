import { LOCK_DEFAULTS, type ProfileName } from '../../../sim/protocol/index.ts';
import type { WireLog } from '../../client/wire-log.ts';
import type { Facets, TargetSession, TestExchanges } from '../core/facets.ts';
import { cloudOnlyFacets } from '../core/cloud-only.ts';
import { recordTest } from '../replay/recordings.ts';
import { UNKNOWN_LOCK, type FleetRoles } from '../core/fleet.ts';
import { test } from '@playwright/test';
import { clearWrongCodes, leftWrongCodes } from '../core/api-settle.ts';

function env(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`--target remote needs ${name} (see README: LOCKBENCH_API_URL, LOCKBENCH_APP_ID, LOCKBENCH_APP_SECRET, LOCKBENCH_LOCK_ID)`);
  return v;
}

/** A real cloud reached over HTTP: the API only, no facet but the main lock's id. */
export class RemoteSession implements TargetSession {
  readonly name = 'remote';
  readonly apiUrl = env('LOCKBENCH_API_URL');
  readonly app = { appId: env('LOCKBENCH_APP_ID'), appSecret: env('LOCKBENCH_APP_SECRET') };
  readonly roles: FleetRoles;
  /** The running test's wire log: `reset` reads what it left on the lock. */
  private lastWire: WireLog | undefined;

  constructor(readonly profile: ProfileName) {
    const lockId = Number(env('LOCKBENCH_LOCK_ID'));
    if (!Number.isInteger(lockId) || lockId < 1) throw new Error('LOCKBENCH_LOCK_ID must be a lock id (a positive integer)');
    this.roles = { ids: { main: lockId }, unknown: UNKNOWN_LOCK, faces: [] };
  }

  // A real cloud runs on real time: that is the domain time of this target.
  async now(): Promise<number> {
    return Date.now() / 1000;
  }

  facets(_wire: WireLog): Facets {
    return cloudOnlyFacets(this.roles.ids.main!);
  }

  /** With `LOCKBENCH_RECORD` set (`lockbench record`), each test's exchanges are kept there for a cassette. */
  exchanges(test: readonly string[]): TestExchanges | undefined {
    const dir = process.env.LOCKBENCH_RECORD;
    return dir ? recordTest(dir, test) : undefined;
  }

  /**
   * The lock keeps what a test did (one real lock, every test): a test whose wrong codes could add up to a
   * keypad lockout is followed by a settle through the API (DESIGN §11's public ops); other tests leave nothing.
   */
  /** Each test's traffic is kept until the next reset, which reads it (nothing to tap on a remote cloud). */
  watch(wire: WireLog): () => void {
    this.lastWire = wire;
    return () => undefined;
  }

  async reset(): Promise<void> {
    const wire = this.lastWire;
    this.lastWire = undefined;
    if (!wire || !leftWrongCodes(wire.entries)) return;
    // A lockout the last test left (ENV-05's random signed bodies can type five wrong codes) is waited out in real
    // time: the test that settles gets that much more time, as a lockout waited out inside a test does.
    const roomFor = (boundS: number): void => {
      const info = test.info();
      info.setTimeout(info.timeout + boundS * 1000);
    };
    await clearWrongCodes({ apiUrl: this.apiUrl, app: this.app, now: () => this.now(), timeoutMs: 15_000 }, this.profile, this.roles.ids.main!, LOCK_DEFAULTS.lockout, roomFor);
  }

  worldNow(): number {
    return Date.now() / 1000;
  }

  async close(): Promise<void> {}
}
