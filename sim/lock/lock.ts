import type { Clock } from '../clock/index.ts';
import { LockClock } from '../clock/index.ts';
import { decodeTimeSync, MODE } from '../protocol/index.ts';
import type { LockEvent, LockOp, LockResult, StateData, TimeSyncResult, UnlockMode } from '../protocol/index.ts';
import { Battery, pctOneDecimal, pctTwoDecimals } from './battery.ts';
import { EventLog } from './event-log.ts';
import { answer, DEFAULT_BEHAVIOURS, type LockBehaviour, type LockOpContext } from './behaviours.ts';
import { Lockout } from './lockout.ts';
import { Acceptance, PasswordStore } from './passwords.ts';
import { seedLock } from './seeded.ts';
import { TimeSyncSeqs } from './time-sync.ts';
import type { LockAnswer, LockFirmware, LockSnapshot, LockSpec, PersistedLock, StoredPassword } from './types.ts';

/**
 * When a lock kept as data was born: the lock clock is anchored at world time `w`, and `drainedS` is
 * the world time that went forward since (what idle drain is charged for, DESIGN §5.4).
 */
export interface LockBirth {
  w: number;
  drainedS: number;
}

// The spec helpers travel with the class so callers need one import.
export { defaultLockSpec, type LockSpecInput } from './defaults.ts';

/**
 * The virtual lock firmware (DESIGN §2, §5.2–5.4): its own drifting clock, keypad with temporary
 * and user passwords, lockout, motor, battery, time sync over Bluetooth and an event log. World
 * time comes only from the injected clock; every read applies what time has done since the last.
 */
export class VirtualLock implements LockFirmware {
  readonly lockId: number;
  private readonly clock: LockClock;
  private readonly battery: Battery;
  private readonly lockout: Lockout;
  private readonly passwords: PasswordStore;
  private readonly acceptance: Acceptance;
  private readonly timeSync: TimeSyncSeqs;
  private readonly log = new EventLog();
  private driftPpm: number;
  private powered = true;
  private radioUp = true;
  private jammed = false;
  private tamper = false;
  /** The defaults, shared by every lock until a test prepends its own. */
  private behaviours: readonly LockBehaviour[] = DEFAULT_BEHAVIOURS;
  /** The firmware steps behaviours are given, bound to this lock; made at the first op (an idle fleet lock never pays for it). */
  private opContext: LockOpContext | undefined;


  /**
   * `realClock`: the device's own real time (unix seconds), used only when `spec.lockoutClock` is
   * `real`; default the world clock. `born`: when a lock kept as data (`LockTable`) was born, so the
   * object made at its first use reads as if it had existed all along; default now.
   */
  constructor(private readonly spec: LockSpec, private readonly world: Clock, private readonly realClock: Clock = world, born?: LockBirth) {
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

  /** A gateway op of DESIGN §4, as received over the radio: the first behaviour of the chain that takes it answers. */
  execute(op: LockOp): LockAnswer {
    this.sync();
    if (!this.reachable) return answer('unreachable');
    for (const behaviour of this.behaviours) {
      const a = behaviour(op, (this.opContext ??= this.bindOpContext()));
      if (a !== undefined) return a;
    }
    return answer('error');
  }

  /**
   * Methods, not arrow properties: under tsx each named arrow carries a name property (~300 B), and a
   * fleet keeps every lock it has used (DESIGN §13 memory per lock).
   */
  private bindOpContext(): LockOpContext {
    const lock = this;
    return {
      motorUnlock(mode, uid) {
        return lock.motorUnlock(mode, uid);
      },
      passwordUnlock(password, mode) {
        return lock.passwordUnlock(password, mode);
      },
      state() {
        return lock.state();
      },
      addPassword(p) {
        return lock.passwords.add(p);
      },
      deletePasswords(uid) {
        lock.passwords.del(uid);
      },
    };
  }

  /** Put `behaviour` in front of the chain (STYLE §5): it answers the ops it takes, the defaults the rest. */
  prepend(behaviour: LockBehaviour): void {
    this.behaviours = [behaviour, ...this.behaviours];
  }

  /** A password typed on the keypad (mode 1). */
  keypad(password: string): LockResult {
    this.sync();
    if (!this.powered) return 'unreachable';
    return this.passwordUnlock(password, MODE.keypad);
  }

  /** A Bluetooth unlock from a phone (mode 2): the motor only, no password. */
  bleUnlock(uid: number): LockResult {
    this.sync();
    if (!this.powered) return 'unreachable';
    return this.motorUnlock(MODE.bluetooth, uid);
  }

  /** DESIGN §5.3: keys carried by a phone set the clock to the server time, once per increasing seq. */
  bleTimeSync(seq: number, key1: number, key2: number): { result: TimeSyncResult; lock_time: number } {
    this.sync();
    if (!this.powered) return { result: 'unreachable', lock_time: this.wholeLockTime() };
    const decoded = decodeTimeSync(this.spec.secretHex, this.lockId, seq, key1, key2);
    if (!decoded.ok) return { result: decoded.reason, lock_time: this.wholeLockTime() };
    if (this.timeSync.isReplay(seq)) return { result: 'replay', lock_time: this.wholeLockTime() };
    this.timeSync.setClock(this.world.now(), decoded.serverTime);
    this.timeSync.take(seq);
    return { result: 'ok', lock_time: this.wholeLockTime() };
  }

  /** `state`'s data (DESIGN §4). */
  state(): StateData {
    this.sync();
    return {
      is_abnormal: this.isAbnormal(),
      low_voltage: this.battery.isLow(),
      battery_pct: pctTwoDecimals(this.battery.pct),
      lock_time: this.wholeLockTime(),
    };
  }

  /** The lock clock in whole seconds and whether it is trusted (lockwire `clock_get`). */
  clockInfo(): { lock_time: number; trusted: boolean } {
    this.sync();
    return { lock_time: this.wholeLockTime(), trusted: this.clock.trusted };
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

  /** Full state for the control API's `GET /locks/{id}`. */
  snapshot(): LockSnapshot {
    this.sync();
    return {
      lock_id: this.lockId,
      lock_time: this.wholeLockTime(),
      trusted: this.clock.trusted,
      drift_ppm: this.driftPpm,
      battery_pct: pctTwoDecimals(this.battery.pct),
      low_voltage: this.battery.isLow(),
      is_abnormal: this.isAbnormal(),
      tamper: this.tamper,
      jammed: this.jammed,
      reachable: this.reachable,
      power: this.powered ? 'on' : 'off',
      locked_out_until: this.lockoutUntilLockTime(),
      wrong_attempts: this.lockout.wrongAttempts,
      last_seq: this.timeSync.lastSeq,
      uids: this.passwords.list().map((p) => p.uid),
      events: this.log.events(),
    };
  }

  /** What the firmware keeps across restarts (DESIGN §11: a lab device keeps its state). */
  persisted(): PersistedLock {
    this.sync();
    const w = this.world.now();
    return {
      lock_id: this.lockId,
      last_seq: this.timeSync.lastSeq,
      passwords: this.passwords.list(),
      lockout: this.lockout.saved(),
      clock: { offset_s: this.clock.now(w) - w, trusted: this.clock.trusted },
    };
  }

  /** Take back what `persisted` returned, as a restarted firmware reading its flash. */
  restore(p: PersistedLock): void {
    if (p.lock_id !== this.lockId) throw new RangeError(`saved state is for lock ${p.lock_id}, not ${this.lockId}`);
    const w = this.world.now();
    this.timeSync.restore(p.last_seq);
    this.passwords.del(0);
    for (const pw of p.passwords) this.passwords.add(pw);
    this.clock.set(w, w + p.clock.offset_s);
    if (!p.clock.trusted) this.clock.reset();
    this.lockout.restore(p.lockout);
    this.sync();
  }

  /** The user passwords on the lock, ordered by uid. */
  storedPasswords(): StoredPassword[] {
    return this.passwords.list();
  }

  private wholeLockTime(): number {
    return Math.floor(this.lockTime());
  }

  private isAbnormal(): boolean {
    return this.tamper || this.lockout.isLockedOut(this.lockoutNow());
  }

  /** The time lockout is counted in (DESIGN §5.4: lock time, unless the firmware counts real time). */
  private lockoutNow(): number {
    return this.spec.lockoutClock === 'real' ? Math.floor(this.realClock.now()) : this.wholeLockTime();
  }

  /** When the lockout ends, in lock time (a real-time lockout is translated at the current rate). */
  private lockoutUntilLockTime(): number | null {
    const until = this.lockout.lockedOutUntil;
    if (until === null || this.spec.lockoutClock === 'lock') return until;
    return this.wholeLockTime() + (until - this.lockoutNow());
  }

  /** Catch up with world time: drain, battery event on a low_voltage change (only while powered), lockout expiry. */
  private sync(): void {
    this.battery.drainTo(this.world.now(), this.powered);
    this.lockout.expire(this.lockoutNow());
    if (!this.powered) return;
    const low = this.battery.takeLowChange();
    if (low !== null) {
      this.emit({ type: 'battery', lock_id: this.lockId, battery_pct: pctOneDecimal(this.battery.pct), low_voltage: low });
    }
  }

  /** DESIGN §5.2 and §5.4: the password check steps 1–5, then the motor on a match. */
  private passwordUnlock(password: string, mode: UnlockMode): LockResult {
    const t = this.wholeLockTime();
    const lockoutT = this.lockoutNow();
    if (this.lockout.isLockedOut(lockoutT)) {
      this.unlockEvent(mode, false, 0);
      return 'locked_out';
    }
    const verdict = this.acceptance.check(password, t, this.clock.trusted, this.passwords);
    if (!verdict.ok) {
      // Only a wrong or expired password counts toward lockout; an untrusted clock is not the typist's fault.
      if (verdict.result !== 'no_time') this.lockout.recordWrong(lockoutT);
      this.unlockEvent(mode, false, verdict.uid);
      return verdict.result;
    }
    this.lockout.recordMatch();
    return this.motorUnlock(mode, verdict.uid);
  }

  /** The motor, used by every unlock kind: jammed, below cut-off, or open and spend one actuation. */
  private motorUnlock(mode: UnlockMode, uid: number): LockResult {
    let result: LockResult = 'ok';
    if (this.jammed) result = 'jammed';
    else if (!this.battery.canActuate) result = 'low_battery';
    else this.battery.actuate();
    this.unlockEvent(mode, result === 'ok', uid);
    this.sync();
    return result;
  }

  private unlockEvent(mode: UnlockMode, ok: boolean, uid: number): void {
    this.emit({ type: 'unlock', lock_id: this.lockId, mode, result: ok ? 1 : 2, uid, lock_time: this.wholeLockTime() });
  }

  private reachabilityChanged(wasReachable: boolean): void {
    if (this.reachable !== wasReachable) this.emit({ type: 'reachable', lock_id: this.lockId, online: this.reachable });
  }

  private emit(ev: LockEvent): void {
    this.log.emit(ev);
  }
}
