/**
 * A lock of the fleet as a spec holds it: the parts a target may lack, asked for by role (DESIGN §9
 * Harness "locks"), and the one rule behind every target's `locks.find`. Re-exported by `facets.ts`.
 */
import type { LockRole } from './fleet.ts';
import type { LockKnobs } from '../../../sim/world/index.ts';

/** Keys the cloud hands out for a time sync (DESIGN §5.3). */
export interface TimeSyncKeys {
  seq: number;
  key1: number;
  key2: number;
}

/** A lock's full state as the simulator's control API reports it (DESIGN §8 `GET /locks/{id}`). */
export type LockState = Record<string, unknown> & { lock_time: number };

/** Keypad lockout of a lock (DESIGN §5.4; defaults 5 attempts, 60 s). */
export interface LockoutPolicy {
  attempts: number;
  seconds: number;
}

/**
 * One lock of the fleet. `id`, `role`, `realTime` and `lockout` are always there; every other member is
 * a part the lock may lack on a target, asked for through `locks.get(role, ...parts)`.
 */
export interface LockHandle {
  readonly id: number;
  readonly role: LockRole;
  /**
   * The lock's clock runs on real time between two calls (a lab device): a boundary check must place
   * the clock so that a round trip cannot cross the boundary (DESIGN §11 "Real time"). False on sim,
   * where the lock clock moves only with world time.
   */
  readonly realTime: boolean;
  /** Lockout the lock declares (DESIGN §5.4 defaults when it declares none). */
  readonly lockout: LockoutPolicy;
  /** The lock's MAC, when the target knows it. */
  readonly mac?: string;
  /** The lock's own secret (hex, DESIGN §5.2/§5.3), when the target knows it. */
  readonly secretHex?: string;
  /** The first time-sync seq the target's cloud issues for this lock, when known (TSYNC-01 vector). */
  readonly seqStart?: number;
  /** Declared drift in ppm, when the target declares one (DRIFT-01). */
  readonly driftPpm?: number;
  /** Declared tolerance (DESIGN §5.2), when the target declares one (PWD-06). */
  readonly tolerance?: { behind: number; ahead: number };

  /** DESIGN §5.2: the temporary password of `slot`, computed from the lock's own secret (part `codeOf`). */
  codeOf?(slot: number): string;
  /** A 6-digit code no slot near lock time `t` accepts and not one of `taken` (part `wrongCode`). */
  wrongCode?(t: number, taken?: readonly string[]): string;
  /** The lock's clock in whole seconds (part `time`). */
  time?(): Promise<number>;
  /** Whether the lock trusts its clock (false after a reset until a time sync; part `trusted`). */
  trusted?(): Promise<boolean>;
  /**
   * Place the lock's clock at `lockTime` (part `setTime`) and confirm it reads that second. On a
   * real-time clock the lock is left 0.3–0.5 s inside that second, so a round trip stays in it.
   */
  setTime?(lockTime: number): Promise<void>;
  /** Type a code on the lock's keypad; the lock's result (part `keypad`). */
  keypad?(code: string): Promise<string>;
  /** Unlock over Bluetooth as `uid` (part `ble`). */
  ble?(uid: number): Promise<string>;
  /** Carry time-sync keys to the lock over Bluetooth (part `timeSync`); the lock then belongs to the test's keys. */
  timeSync?(keys: TimeSyncKeys): Promise<{ result: string; lock_time: number }>;
  /** The lock's full state: clock, battery, flags, uids, events (part `state`; simulator only). */
  state?(): Promise<LockState>;
  /** Turn lock knobs (part `set`; simulator only). */
  set?(knobs: LockKnobs): Promise<LockState>;
  /** Make the lock's clock untrusted (part `resetClock`); the harness stops syncing it for the test. */
  resetClock?(): Promise<void>;
}

/** The optional parts of a lock handle. */
export type LockPart = 'codeOf' | 'wrongCode' | 'time' | 'trusted' | 'setTime' | 'keypad' | 'ble' | 'timeSync' | 'state' | 'set' | 'resetClock';

/** A lock handle with the parts asked for. */
export type LockWith<P extends LockPart> = LockHandle & Required<Pick<LockHandle, P>>;

/** The fleet's locks by role. */
export interface LocksFacet {
  /** The lock playing `role` with `parts`, or why the target cannot give it. */
  find<P extends LockPart>(role: LockRole, ...parts: P[]): { lock: LockWith<P> } | { missing: string };
}

/** Why a lock part is missing on a target. */
export const LOCK_PART_REASONS: Record<LockPart, string> = {
  codeOf: "compute the lock's codes (its secret is unknown)",
  wrongCode: "pick a wrong code (the lock's secret is unknown)",
  time: "read the lock's clock",
  trusted: 'read whether the lock trusts its clock',
  setTime: "set the lock's clock",
  keypad: 'type on the lock keypad',
  ble: 'unlock over Bluetooth',
  timeSync: 'carry time-sync keys to the lock',
  state: "read the lock's full state (L)",
  set: 'control the lock: battery, drift, power, radio, jam, tamper (L)',
  resetClock: "reset the lock's clock (make it untrusted)",
};

/** `lock` with `parts`, or why not (the one rule behind every target's `locks.find`). */
export function withParts<P extends LockPart>(role: LockRole, lock: LockHandle | undefined, parts: readonly P[]): { lock: LockWith<P> } | { missing: string } {
  if (!lock) return { missing: `no lock in role "${role}"` };
  const lacking = parts.filter((p) => lock[p] === undefined);
  if (lacking.length > 0) return { missing: `lock "${role}" cannot ${lacking.map((p) => LOCK_PART_REASONS[p]).join(', ')}` };
  return { lock: lock as LockWith<P> };
}
