import { setTimeout as sleep } from 'node:timers/promises';
import { waitUntil } from '../../sim/io/index.ts';
import type { WireLog } from '../client/wire-log.ts';
import { withParts, type LockHandle, type LockPart, type LocksFacet } from './facets.ts';
import type { LockRole } from './fleet.ts';
import { LAB_CALL_MS } from './lab-config.ts';
import type { LabSession } from './lab.ts';
import { codeOf, wrongCode } from './lock-codes.ts';

/**
 * DESIGN §11 "Real time": after placing a running clock at second t, the lock is left this far past
 * the edge into t (0.3–0.5 s with the polling below), so a confirming `clock_get` and the keypress
 * that follows stay inside t.
 */
const AIM_MS = 300;
/** Polling interval while waiting for the device's second to change, ms (few requests: the device caches by seq). */
const EDGE_POLL_MS = 80;


async function clockRead(lab: LabSession): Promise<{ lock_time: number; trusted: boolean }> {
  const c = await lab.link.clockGet(LAB_CALL_MS);
  if (!c.ok) throw new Error(`lab: clock_get answered ${c.result}`);
  return c;
}

async function clockOf(lab: LabSession): Promise<number> {
  return (await clockRead(lab)).lock_time;
}

/**
 * Place the device clock at second `t`. A frozen clock is synced to t. A running one is synced to
 * t − 1, then polled until it turns to t, then left AIM_MS into t; `clock_get` confirms it reads t.
 * World time is t afterwards, so the cloud and the lock agree.
 */
async function placeClock(lab: LabSession, t: number, wire: WireLog): Promise<void> {
  lab.owned = false;
  if (!lab.realTime) {
    lab.world.clock.set(t);
    lab.stale = true;
    await lab.syncLock();
  } else {
    lab.world.clock.set(t - 1);
    lab.stale = true;
    await lab.syncLock();
    let read = 0;
    await waitUntil(`lab: the device clock to turn to ${t} after the sync`, async () => (read = await clockOf(lab)) >= t, {
      timeoutMs: 2000, intervalMs: EDGE_POLL_MS, seen: () => `it reads ${read}`,
    });
    if (read > t) throw new Error(`lab: the device clock jumped to ${read} while placing it at ${t}`);
    await sleep(AIM_MS);
    lab.world.clock.set(t);
    lab.stale = false;
  }
  const got = await clockOf(lab);
  wire.add('control', `lab lock clock placed at ${t}`, { lock_time: got, realTime: lab.realTime });
  if (got !== t) throw new Error(`lab: placed the device clock at ${t}, clock_get reads ${got}`);
}

/** The one lock of a lab bench, with the parts the device's `info.caps` offer (DESIGN §6). */
export function labLocks(lab: LabSession, wire: WireLog): LocksFacet {
  const has = (cap: string) => lab.info.caps.includes(cap);
  const secret = lab.cfg.secretHex;
  const use = async <T>(f: () => Promise<T>): Promise<T> => {
    await lab.syncLock();
    return f();
  };
  const main: LockHandle = {
    id: lab.cfg.lockId,
    role: 'main',
    realTime: lab.realTime,
    lockout: lab.cfg.lockout,
    mac: lab.info.mac,
    secretHex: secret,
    codeOf: (slot) => codeOf(secret, slot),
    wrongCode: (t, taken) => wrongCode(secret, t, taken),
    ...(has('clock') ? { time: () => use(() => clockOf(lab)), trusted: async () => (await use(() => clockRead(lab))).trusted } : {}),
    ...(has('clock') && has('time_sync') ? { setTime: (t: number) => placeClock(lab, t, wire) } : {}),
    ...(has('keypad') ? { keypad: (code: string) => use(() => lab.link.keypad(code, LAB_CALL_MS)) } : {}),
    ...(has('ble') ? { ble: (uid: number) => use(() => lab.link.bleUnlock(uid, LAB_CALL_MS)) } : {}),
    ...(has('time_sync') ? {
      timeSync: async (keys: { seq: number; key1: number; key2: number }) => {
        // The test carries keys itself: the lock's clock is the test's business until the world moves.
        lab.stale = false;
        const r = await lab.link.bleTimeSync(keys.seq, keys.key1, keys.key2, LAB_CALL_MS);
        if (r.result === 'ok') lab.recordSeq(keys.seq);
        return r;
      },
    } : {}),
    ...(has('sim') ? {
      resetClock: async () => {
        // An untrusted clock is the test's subject now: syncing it to world time would undo the reset.
        lab.owned = true;
        const a = await lab.link.sim('reset_clock', {}, LAB_CALL_MS);
        if (a.result !== 'ok') throw new Error(`lab: sim_reset_clock answered ${a.result}`);
      },
    } : {}),
  };
  return {
    find: <P extends LockPart>(role: LockRole, ...parts: P[]) => withParts(role, role === 'main' ? main : undefined, parts),
  };
}
