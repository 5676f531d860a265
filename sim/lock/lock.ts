import { decodeTimeSync, MODE } from '../protocol/index.ts';
import type { LockOp, LockResult, StateData, TimeSyncResult, UnlockMode } from '../protocol/index.ts';
import { pctTwoDecimals } from './battery.ts';
import { answer, DEFAULT_BEHAVIOURS, type LockBehaviour, type LockOpContext } from './behaviours.ts';
import { LockBody } from './lock-body.ts';
import type { LockAnswer, LockFirmware, LockSnapshot, PersistedLock, StoredPassword } from './types.ts';

export type { LockBirth } from './lock-body.ts';
// The spec helpers travel with the class so callers need one import.
export { defaultLockSpec, type LockSpecInput } from './defaults.ts';

/**
 * The virtual lock firmware (DESIGN §2, §5.2–5.4): its own drifting clock, keypad with temporary
 * and user passwords, lockout, motor, battery, time sync over Bluetooth and an event log. World
 * time comes only from the injected clock; every read applies what time has done since the last.
 * What it is made of and the world's knobs are `LockBody` (lock-body.ts); what it does when asked is here.
 */
export class VirtualLock extends LockBody implements LockFirmware {
  /** The defaults, shared by every lock until a test prepends its own. */
  private behaviours: readonly LockBehaviour[] = DEFAULT_BEHAVIOURS;
  /** The firmware steps behaviours are given, bound to this lock; made at the first op (an idle fleet lock never pays for it). */
  private opContext: LockOpContext | undefined;

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
}
