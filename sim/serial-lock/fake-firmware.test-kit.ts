import type { LockEvent, LockOp, LockResult, StateData, TimeSyncResult } from '../protocol/index.ts';
import type { LockAnswer, LockFirmware } from '../lock/types.ts';
import type { SimKnobs } from './ops.ts';

/**
 * A scripted lock firmware for serial tests: records every act so a test can assert "acted
 * once", answers from plain fields a test sets, and emits events on demand. Not a lock model —
 * that is `VirtualLock`; this keeps the serial tests about the serial path.
 */
export class FakeFirmware implements LockFirmware, SimKnobs {
  reachable = true;
  /** Every gateway op executed, in order. */
  readonly acts: LockOp[] = [];
  /** Every keypad code typed, in order. */
  readonly typed: string[] = [];
  keypadResult: LockResult = 'ok';
  lockTime = 1_700_000_000;
  trusted = true;
  lastSeq = 0;
  batteryPct = 80;
  tamper = false;
  jammed = false;
  driftPpm = 0;
  private readonly listeners = new Set<(ev: LockEvent) => void>();

  constructor(readonly lockId: number) {}

  execute(op: LockOp): LockAnswer {
    this.acts.push(op);
    if (op.op === 'state') return { result: 'ok', data: { ...this.state() } };
    if (op.op === 'unlock') {
      if (this.jammed) return { result: 'jammed', data: {} };
      this.emit({ type: 'unlock', lock_id: this.lockId, mode: 3, result: 1, uid: op.args.uid ?? 0, lock_time: this.lockTime });
    }
    return { result: 'ok', data: {} };
  }

  keypad(password: string): LockResult {
    this.typed.push(password);
    return this.keypadResult;
  }

  bleUnlock(uid: number): LockResult {
    this.emit({ type: 'unlock', lock_id: this.lockId, mode: 2, result: 1, uid, lock_time: this.lockTime });
    return 'ok';
  }

  /** No key check here: key1 is taken as the new lock time (the real check lives in VirtualLock). */
  bleTimeSync(seq: number, key1: number, _key2: number): { result: TimeSyncResult; lock_time: number } {
    if (seq <= this.lastSeq) return { result: 'replay', lock_time: this.lockTime };
    this.lastSeq = seq;
    this.lockTime = key1;
    this.trusted = true;
    return { result: 'ok', lock_time: this.lockTime };
  }

  state(): StateData {
    return { is_abnormal: this.tamper, low_voltage: this.batteryPct < 20, battery_pct: this.batteryPct, lock_time: this.lockTime };
  }

  clockInfo(): { lock_time: number; trusted: boolean } {
    return { lock_time: this.lockTime, trusted: this.trusted };
  }

  onEvent(listener: (ev: LockEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Report an event, as the firmware would on its own. */
  emit(ev: LockEvent): void {
    for (const l of this.listeners) l(ev);
  }

  setBattery(pct: number): void {
    this.batteryPct = pct;
  }
  setTamper(on: boolean): void {
    this.tamper = on;
    this.emit({ type: 'tamper', lock_id: this.lockId, is_abnormal: on });
  }
  setJammed(on: boolean): void {
    this.jammed = on;
  }
  setDrift(ppm: number): void {
    this.driftPpm = ppm;
  }
  resetClock(): void {
    this.trusted = false;
  }
}
