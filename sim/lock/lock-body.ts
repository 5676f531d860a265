import type { Clock } from '../clock/index.ts';
import { LockClock } from '../clock/index.ts';
import type { LockEvent } from '../protocol/index.ts';
import { Battery, pctOneDecimal } from './battery.ts';
import { EventLog } from './event-log.ts';
import { Lockout } from './lockout.ts';
import { Acceptance, PasswordStore } from './passwords.ts';
import { seedLock } from './seeded.ts';
import { TimeSyncSeqs } from './time-sync.ts';
import type { LockSpec } from './types.ts';

/**
 * When a lock kept as data was born: the lock clock is anchored at world time `w`, and `drainedS` is
 * the world time that went forward since (what idle drain is charged for, DESIGN §5.4).
 */
export interface LockBirth {
  w: number;
  drainedS: number;
}

/**
 * What a virtual lock is made of and what the world does to it (DESIGN §2, §5.4): its parts, the knobs the
 * control API turns, and catching up with world time. `VirtualLock` adds what the lock does when asked
 * (lock.ts); the two are one object, split so each file keeps one job.
 */
export abstract class LockBody {
  readonly lockId: number;
  protected readonly clock: LockClock;
  protected readonly battery: Battery;
  protected readonly lockout: Lockout;
  protected readonly passwords: PasswordStore;
  protected readonly acceptance: Acceptance;
  protected readonly timeSync: TimeSyncSeqs;
  protected readonly log = new EventLog();
  protected driftPpm: number;
  protected powered = true;
  protected radioUp = true;
  protected jammed = false;
  protected tamper = false;

  /**
   * `realClock`: the device's own real time (unix seconds), used only when `spec.lockoutClock` is
   * `real`; default the world clock. `born`: when a lock kept as data (`LockTable`) was born, so the
   * object made at its first use reads as if it had existed all along; default now.
   */
  constructor(protected readonly spec: LockSpec, protected readonly world: Clock, protected readonly realClock: Clock = world, born?: LockBirth) {
    if (!/^(?:[0-9a-fA-F]{2})+$/.test(spec.secretHex)) throw new RangeError('secretHex must be hex bytes');
    this.lockId = spec.lockId;
    const w = born?.w ?? world.now();
    this.driftPpm = spec.driftPpm;
    this.clock = new LockClock(w, 0, spec.clockOffsetS);
    // The charge drains on the world time that went forward since birth (a re-wound world gives none back).
    this.battery = new Battery(spec.batteryPct, born ? world.now() - born.drainedS : w, spec);
    this.lockout = new Lockout(spec.lockout, spec.lockoutSetBack);
    this.passwords = new PasswordStore(spec.capacity);
    this.acceptance = new Acceptance(spec.secretHex, spec.tolerance);
    this.timeSync = new TimeSyncSeqs(this.clock, spec.syncPhase);
    // Seeded defects wrap the parts' steps (`seeded.ts`) before anything is computed from them: the
    // drift goes through `setDrift` and the battery's first look records the value a seeded step gives.
    seedLock(spec.defects, { clock: this.clock, battery: this.battery, lockout: this.lockout, acceptance: this.acceptance, timeSync: this.timeSync });
    this.clock.setDrift(w, spec.driftPpm);
    this.battery.takeLowChange();
  }

  /** Radio reachable: powered and its radio not cut. */
  get reachable(): boolean {
    return this.powered && this.radioUp;
  }

  /** Exact lock time L (fractional), for diagnostics and tests; the wire sees whole seconds. */
  lockTime(): number {
    return this.clock.now(this.world.now());
  }

  /** Subscribe to the lock's events; returns the unsubscribe function. */
  onEvent(listener: (ev: LockEvent) => void): () => void {
    return this.log.on(listener);
  }

  /** Power on/off: off freezes the clock (DESIGN §2), stops drain, keypad and radio. */
  setPower(on: boolean): void {
    this.sync();
    if (on === this.powered) return;
    const wasReachable = this.reachable;
    const w = this.world.now();
    if (on) this.clock.powerOn(w);
    else this.clock.powerOff(w);
    this.powered = on;
    this.reachabilityChanged(wasReachable);
    this.sync();
  }

  /** Cut or restore the radio (the lock stays powered). */
  setReachable(reachable: boolean): void {
    this.sync();
    const wasReachable = this.reachable;
    this.radioUp = reachable;
    this.reachabilityChanged(wasReachable);
  }

  /** A jammed motor refuses every unlock (`jammed`). */
  setJammed(jammed: boolean): void {
    this.sync();
    this.jammed = jammed;
  }

  /** Tamper sets is_abnormal until cleared here (DESIGN §5.4); a change emits a `tamper` event. */
  setTamper(tamper: boolean): void {
    this.sync();
    if (tamper === this.tamper) return;
    this.tamper = tamper;
    this.emit({ type: 'tamper', lock_id: this.lockId, is_abnormal: this.isAbnormal() });
  }

  /** Replace the charge (0..100); crossing the threshold either way emits a `battery` event. */
  setBattery(pct: number): void {
    this.sync();
    this.battery.set(pct, this.world.now());
    this.sync();
  }

  /** Change the drift rate from now on. */
  setDrift(ppm: number): void {
    if (!Number.isFinite(ppm)) throw new RangeError('drift_ppm must be a finite number');
    this.sync();
    this.driftPpm = ppm;
    this.clock.setDrift(this.world.now(), ppm);
  }

  /** Add a step of `seconds` to the lock clock. */
  setClockOffset(seconds: number): void {
    if (!Number.isFinite(seconds)) throw new RangeError('clock_offset_s must be a finite number');
    this.sync();
    this.clock.step(this.world.now(), seconds);
  }

  /** A firmware reset: the clock is untrusted (`no_time`) until the next time sync (DESIGN §2). */
  resetClock(): void {
    this.sync();
    this.clock.reset();
  }

  /** World time moved: apply drain, emit a pending battery event, end an expired lockout. */
  tick(): void {
    this.sync();
  }

  protected wholeLockTime(): number {
    return Math.floor(this.lockTime());
  }

  protected isAbnormal(): boolean {
    return this.tamper || this.lockout.isLockedOut(this.lockoutNow());
  }

  /** The time lockout is counted in (DESIGN §5.4: lock time, unless the firmware counts real time). */
  protected lockoutNow(): number {
    return this.spec.lockoutClock === 'real' ? Math.floor(this.realClock.now()) : this.wholeLockTime();
  }

  /** When the lockout ends, in lock time (a real-time lockout is translated at the current rate). */
  protected lockoutUntilLockTime(): number | null {
    const until = this.lockout.lockedOutUntil;
    if (until === null || this.spec.lockoutClock === 'lock') return until;
    return this.wholeLockTime() + (until - this.lockoutNow());
  }

  /** Catch up with world time: drain, battery event on a low_voltage change (only while powered), lockout expiry. */
  protected sync(): void {
    this.battery.drainTo(this.world.now(), this.powered);
    this.lockout.expire(this.lockoutNow());
    if (!this.powered) return;
    const low = this.battery.takeLowChange();
    if (low !== null) {
      this.emit({ type: 'battery', lock_id: this.lockId, battery_pct: pctOneDecimal(this.battery.pct), low_voltage: low });
    }
  }

  protected reachabilityChanged(wasReachable: boolean): void {
    if (this.reachable !== wasReachable) this.emit({ type: 'reachable', lock_id: this.lockId, online: this.reachable });
  }

  protected emit(ev: LockEvent): void {
    this.log.emit(ev);
  }
}
