import type { LockAnswer, LockEvent, LockOp, LockResult, StateData, TimeSyncResult } from '../protocol/index.ts';

/** Everything that configures one virtual lock (fixture §7 keys, in domain units). */
export interface LockSpec {
  lockId: number;
  mac: string;
  secretHex: string;
  firmwareVer: string;
  driftPpm: number;
  clockOffsetS: number;
  batteryPct: number;
  lowBatteryPct: number;
  /** Below this the motor refuses (`low_battery`). Default 3. */
  cutoffPct: number;
  /** Battery used per motor actuation. Default 0.01. */
  unlockCostPct: number;
  /** Battery used per day of world time while powered. Default 0.02. */
  idleDrainPctPerDay: number;
  tolerance: { behind: number; ahead: number };
  /** How many user passwords the lock stores. Default 100. */
  capacity: number;
  lockout: { attempts: number; seconds: number };
  /**
   * Firmware choice §5.4 leaves open: lockout counted in lock time (`lock`, DESIGN's default) or
   * in the device's own real time (`real`, which no time sync moves). Default `lock`.
   */
  lockoutClock: 'lock' | 'real';
  /**
   * Firmware choice §5.4/§11 leave open — what a clock set back does to a lockout in force: `ends` it
   * (default), `keeps-remaining` (the part not yet served runs on from the new time) or `keeps-end`
   * (it ends at its lock time, hours ahead if the clock went hours back).
   */
  lockoutSetBack: LockoutSetBack;
  /**
   * Firmware choice §11 leaves open — where the device's second starts after a sync to t: `zero` (a
   * whole second from the sync) or `kept` (the RTC keeps its sub-second phase: the next second begins
   * anywhere up to 1 s later). Default `zero`.
   */
  syncPhase: 'zero' | 'kept';
  /** Seeded defects switched on for this lock (`sim/defects.ts`, room `lock`; others ignored); empty by default. */
  defects: readonly string[];
}

export type LockoutSetBack = 'ends' | 'keeps-remaining' | 'keeps-end';

/** One user password stored on the lock, window `[start, end)` in lock time. */
export interface StoredPassword {
  uid: number;
  password: string;
  start: number;
  end: number;
}

/** A lock's answer is a wire type (DESIGN §4, §6): it lives in `sim/protocol`. */
export type { LockAnswer };

/** Full state for the control API's `GET /locks/{id}`. */
export interface LockSnapshot {
  lock_id: number;
  lock_time: number;
  trusted: boolean;
  drift_ppm: number;
  battery_pct: number;
  low_voltage: boolean;
  is_abnormal: boolean;
  tamper: boolean;
  jammed: boolean;
  reachable: boolean;
  power: 'on' | 'off';
  locked_out_until: number | null;
  wrong_attempts: number;
  last_seq: number;
  uids: number[];
  events: LockEvent[];
}

/** The firmware-facing surface of a virtual lock, shared by the radio link and the serial lock. */
export interface LockFirmware {
  readonly lockId: number;
  /** Radio reachable: powered and its radio not cut. */
  readonly reachable: boolean;
  execute(op: LockOp): LockAnswer;
  keypad(password: string): LockResult;
  bleUnlock(uid: number): LockResult;
  bleTimeSync(seq: number, key1: number, key2: number): { result: TimeSyncResult; lock_time: number };
  state(): StateData;
  clockInfo(): { lock_time: number; trusted: boolean };
  onEvent(listener: (ev: LockEvent) => void): () => void;
}

/** What a firmware keeps across restarts (serial lock `--state FILE`). */
export interface PersistedLock {
  lock_id: number;
  last_seq: number;
  passwords: StoredPassword[];
  lockout: { wrong: number; since: number | null };
  /** The lock clock as an offset from world time, so a restarted device's clock runs on like an RTC. */
  clock: { offset_s: number; trusted: boolean };
}
