import type { Fixture } from '../../../sim/world/fixture.ts';
import type { ControlClient } from '../core/control-client.ts';
import { withParts, type LockHandle, type LockPart, type LockState, type LocksFacet } from '../core/facets.ts';
import type { FleetRoles, LockRole } from '../core/fleet.ts';
import { codeParts } from '../core/lock-codes.ts';

/**
 * Lock handles on the simulator: every part, through the control API (DESIGN §8). The lock clock moves
 * only with world time, so `setTime` moves the world until the lock reads exactly the second asked for.
 */
export function simLocks(fixture: Fixture, roles: FleetRoles, ctl: Pick<ControlClient, 'call'>): LocksFacet {
  const handle = (role: LockRole, id: number): LockHandle | undefined => {
    const l = fixture.locks.find((x) => x.lock_id === id);
    if (!l) return undefined;
    const state = () => ctl.call<LockState>('GET', `/locks/${id}`);
    const time = async () => {
      const t = (await state()).lock_time;
      if (typeof t !== 'number') throw new Error(`lock ${id}: lock_time is ${JSON.stringify(t)}, not a number`);
      return t;
    };
    return {
      id, role, realTime: false, lockout: l.lockout, mac: l.mac, secretHex: l.secret_hex.toLowerCase(), seqStart: l.seq_start,
      driftPpm: l.drift_ppm, tolerance: l.tolerance,
      ...codeParts(l.secret_hex, l.tolerance),
      time,
      trusted: async () => (await state()).trusted === true,
      async setTime(target) {
        const w = (await ctl.call<{ time: number }>('GET', '/world')).time;
        await ctl.call('POST', '/clock', { set: w + (target - (await time())) });
        const got = await time();
        if (got !== target) throw new Error(`lock ${id}: placed its clock at ${target}, it reads ${got} (a drifting lock cannot be placed exactly)`);
      },
      keypad: async (code) => (await ctl.call<{ result: string }>('POST', `/locks/${id}/keypad`, { password: code })).result,
      ble: async (uid) => (await ctl.call<{ result: string }>('POST', `/locks/${id}/ble/unlock`, { uid })).result,
      timeSync: (keys) => ctl.call('POST', `/locks/${id}/ble/time_sync`, keys),
      state,
      set: (knobs) => ctl.call<LockState>('POST', `/locks/${id}`, knobs),
      async resetClock() {
        await ctl.call('POST', `/locks/${id}`, { reset_clock: true });
      },
    };
  };
  return {
    find<P extends LockPart>(role: LockRole, ...parts: P[]) {
      const id = roles.ids[role];
      return withParts(role, id === undefined ? undefined : handle(role, id), parts);
    },
  };
}
