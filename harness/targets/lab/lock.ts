import type { WireLog } from '../../client/wire-log.ts';
import { withParts, type LockHandle, type LockPart, type LocksFacet } from '../core/facets.ts';
import type { LockRole } from '../core/fleet.ts';
import { codeParts } from '../core/lock-codes.ts';
import type { SerialLink } from '../../serial/serial-link.ts';
import type { LabClock } from './clock.ts';
import type { LabConfig } from './config.ts';

export interface LabLockDeps {
  clock: LabClock;
  link: Pick<SerialLink, 'keypad' | 'bleUnlock' | 'bleTimeSync' | 'sim'>;
  cfg: LabConfig;
  mac: string;
  caps: readonly string[];
  callMs: number;
}

/** The one lock of a lab bench, with the parts the device's `info.caps` offer (DESIGN §6). */
export function labLocks(d: LabLockDeps, wire: WireLog): LocksFacet {
  const has = (cap: string) => d.caps.includes(cap);
  const { clock, link, callMs } = d;
  const secret = d.cfg.secretHex;
  /** The lock is synced to world time before its use; a use at a placed second is confirmed inside it. */
  const use = async <T>(f: () => Promise<T>): Promise<T> => {
    await clock.sync();
    return clock.probe(f);
  };
  const main: LockHandle = {
    id: d.cfg.lockId,
    role: 'main',
    realTime: clock.realTime,
    lockout: d.cfg.lockout,
    mac: d.mac,
    secretHex: secret,
    ...codeParts(secret),
    ...(has('clock') ? {
      time: async () => {
        await clock.sync();
        return clock.time();
      },
      trusted: async () => {
        await clock.sync();
        return (await clock.read()).trusted;
      },
    } : {}),
    ...(has('clock') && has('time_sync') ? {
      setTime: async (t: number) => {
        await clock.place(t);
        wire.add('control', `lab lock clock placed at ${t}`, { lock_time: t, realTime: clock.realTime });
      },
    } : {}),
    ...(has('keypad') ? { keypad: (code: string) => use(() => link.keypad(code, callMs)) } : {}),
    ...(has('ble') ? { ble: (uid: number) => use(() => link.bleUnlock(uid, callMs)) } : {}),
    ...(has('time_sync') ? {
      timeSync: async (keys: { seq: number; key1: number; key2: number }) => {
        const r = await link.bleTimeSync(keys.seq, keys.key1, keys.key2, callMs);
        if (r.result === 'ok') clock.syncedByTest(keys.seq, r.lock_time);
        return r;
      },
    } : {}),
    ...(has('sim') ? {
      resetClock: async () => {
        // An untrusted clock is the test's subject now: syncing it to world time would undo the reset.
        clock.takeOver();
        const a = await link.sim('reset_clock', {}, callMs);
        if (a.result !== 'ok') throw new Error(`lab: sim_reset_clock answered ${a.result}`);
      },
    } : {}),
  };
  return {
    find: <P extends LockPart>(role: LockRole, ...parts: P[]) => withParts(role, role === 'main' ? main : undefined, parts),
  };
}
