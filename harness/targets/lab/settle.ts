import { SLOT_S, slotOf, tempPassword } from '../../../sim/protocol/index.ts';
import { waitUntil } from '../../../sim/io/index.ts';
import type { LockResult } from '../../../sim/protocol/index.ts';
import type { LabClock } from './clock.ts';

/** How far into a fresh slot each test begins, s: far from both slot edges for minutes of real time. */
const START_INTO_SLOT_S = 60;

/** What settling needs besides the clock: the device's public ops and the embedded world's levers. */
export interface SettleDeps {
  clock: Pick<LabClock, 'startTest' | 'now' | 'set' | 'sync' | 'endLockout'>;
  caps: readonly string[];
  lockout: { seconds: number };
  secretHex: string;
  /** Type a code on the device's keypad. */
  keypad(code: string): Promise<LockResult>;
  /** Gateway faults off, gateways online (`World.clearFaults`). */
  clearFaults(): Promise<void>;
  /** A signed call to the embedded cloud that must answer 200. */
  api(path: string, fields: Record<string, unknown>): Promise<unknown>;
  lockId: number;
  /** Pushes of type `type` in the inbox; `clearPushes` empties it. */
  pushesOfType(type: number): number;
  clearPushes(): void;
  /** Real-time bound on the settling code's unlock push, ms (default 3000: transport only). */
  pushWaitMs?: number;
  /** What the device sent outside the contract, dropped by the host (TEST-PLAN LAB-01: named when a push never comes). */
  deviceFaults(): readonly string[];
}

/**
 * Before each lab test (DESIGN §11 "The device's state carries over"): gateway faults off, world time
 * on to a fresh slot (never backwards: seqs and the device clock only move on), the lock synced, no
 * lockout, no user password (`pwd_del {uid: 0}` through the cloud, so both sides forget), the events
 * this caused delivered, the inbox empty. Every step that fails throws naming what was left.
 */
export async function settleLab(d: SettleDeps): Promise<void> {
  const faults = d.deviceFaults().length;
  await d.clearFaults();
  d.clearPushes();
  d.clock.startTest();
  d.clock.set((slotOf(d.clock.now()) + 1) * SLOT_S + START_INTO_SLOT_S);
  await d.clock.sync();
  let unlocks = 0;
  if (d.caps.includes('keypad') && d.caps.includes('time_sync')) {
    await d.clock.endLockout(d.lockout.seconds, () => d.keypad(tempPassword(d.secretHex, d.clock.now())));
    unlocks++;
  }
  try {
    await d.api('/third/v2/lock/pwd/del', { lock_id: d.lockId, uid: 0 });
  } catch (e) {
    throw new Error(`lab settle: pwd_del {uid: 0} failed: ${(e as Error).message}`);
  }
  await waitUntil('lab settle: the push of the settling code\'s unlock event (pending event not acked?)', () => d.pushesOfType(2) >= unlocks, {
    timeoutMs: d.pushWaitMs ?? 3000, seen: () => d.deviceFaults().slice(faults).join('; ') || 'no event from the device dropped by the host',
  });
  d.clearPushes();
}
