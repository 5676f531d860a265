import type { APIRequestContext } from '@playwright/test';
import type { ProfileName } from '../../sim/protocol/index.ts';
import type { WireLog } from '../client/wire-log.ts';
import { capabilities } from './capabilities.ts';
import { NoControl } from './control-client.ts';
import type { FleetRoles } from './fleet.ts';
import type { TargetSession } from './session.ts';

function env(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`--target remote needs ${name} (see README: LOCKBENCH_API_URL, LOCKBENCH_APP_ID, LOCKBENCH_APP_SECRET, LOCKBENCH_LOCK_ID)`);
  return v;
}

/** A real cloud reached over HTTP: the API only, no control of time, locks, gateways or pushes. */
export class RemoteSession implements TargetSession {
  readonly name = 'remote';
  readonly caps = capabilities([]);
  readonly apiUrl = env('LOCKBENCH_API_URL');
  readonly app = { appId: env('LOCKBENCH_APP_ID'), appSecret: env('LOCKBENCH_APP_SECRET') };
  readonly fleet: FleetRoles;

  constructor(readonly profile: ProfileName) {
    const lockId = Number(env('LOCKBENCH_LOCK_ID'));
    if (!Number.isInteger(lockId) || lockId < 1) throw new Error('LOCKBENCH_LOCK_ID must be a lock id (a positive integer)');
    this.fleet = { main: lockId, unknown: 3999999999 };
  }

  // A real cloud runs on real time: that is the domain time of this target.
  control(_request: APIRequestContext, _wire: WireLog): NoControl {
    return new NoControl(this.name);
  }

  worldNow(): number {
    return Date.now() / 1000;
  }

  async close(): Promise<void> {}
}
