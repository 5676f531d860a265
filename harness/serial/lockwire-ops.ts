import { parseDeviceInfo, type DeviceInfo, type JsonObject, type WireAnswer, type WireResult } from '../../sim/protocol/lockwire.ts';
import { isUint32, LOCK_RESULTS, type LockAnswer, type LockOp, type LockResult, type TimeSyncResult } from '../../sim/protocol/index.ts';

/** A lock time on the wire: whole unix seconds of a uint32 clock (DESIGN §6 clock_get/state); anything else is the device's error. */
const isLockTime = isUint32;

const isLockResult = (r: WireResult): r is LockResult => (LOCK_RESULTS as readonly string[]).includes(r);

/**
 * The lockwire ops of DESIGN §6 typed over one bounded `call`: what a host asks a lock, and what
 * counts as the device's error in each answer. The link underneath owns seqs, retransmission and
 * the port (`SerialLink`).
 */
export abstract class LockwireOps {
  /** Send any lockwire op and wait for its response (bounded). */
  abstract call(op: string, args?: JsonObject, timeoutMs?: number): Promise<WireAnswer>;
  /** The bound of a helper call when none is given, ms. */
  protected abstract get callTimeoutMs(): number;
  /** Whether a request of `op` with no args can go out now without repeating its seq's last bytes (DESIGN §6). */
  protected abstract canSendNow(op: string): boolean;

  /** A §4 gateway op; `unreachable` when the lock does not answer within `timeoutMs` or the port goes away. */
  async request(op: LockOp, timeoutMs: number): Promise<LockAnswer> {
    const a = await this.call(op.op, op.args, timeoutMs);
    // A time-sync result is no answer to a gateway op: the device misbehaved.
    return isLockResult(a.result) ? { result: a.result, data: a.data } : { result: 'error', data: a.data };
  }

  /** `info` (DESIGN §6). */
  async info(timeoutMs = this.callTimeoutMs): Promise<{ ok: true; info: DeviceInfo } | { ok: false; result: WireResult }> {
    const a = await this.call('info', {}, timeoutMs);
    if (a.result !== 'ok') return { ok: false, result: a.result };
    const info = parseDeviceInfo(a.data);
    return typeof info === 'string' ? { ok: false, result: 'error' } : { ok: true, info };
  }

  /**
   * One `info` round trip, ms, or undefined when the device did not answer within `timeoutMs`
   * (DESIGN §11: a boundary check places the clock so the measured round trip cannot cross it).
   */
  async ping(timeoutMs = this.callTimeoutMs): Promise<number | undefined> {
    const t0 = performance.now();
    const a = await this.call('info', {}, timeoutMs);
    return a.result === 'ok' ? performance.now() - t0 : undefined;
  }

  /** A password typed on the lock's keypad. */
  async keypad(password: string, timeoutMs = this.callTimeoutMs): Promise<LockResult> {
    return this.lockResult(await this.call('keypad', { password }, timeoutMs));
  }

  /** A Bluetooth unlock by `uid`. */
  async bleUnlock(uid: number, timeoutMs = this.callTimeoutMs): Promise<LockResult> {
    return this.lockResult(await this.call('ble_unlock', { uid }, timeoutMs));
  }

  /** Time-sync keys carried to the lock over Bluetooth (DESIGN §5.3). */
  async bleTimeSync(seq: number, key1: number, key2: number, timeoutMs = this.callTimeoutMs): Promise<{ result: TimeSyncResult; lock_time: number }> {
    const a = await this.call('ble_time_sync', { seq, key1, key2 }, timeoutMs);
    const lockTime = typeof a.data.lock_time === 'number' ? a.data.lock_time : NaN;
    const result: TimeSyncResult = a.result === 'ok' || a.result === 'replay' || a.result === 'bad_key' ? a.result : 'unreachable';
    return { result, lock_time: lockTime };
  }

  /** The lock's clock: `{lock_time, trusted}`. */
  async clockGet(timeoutMs = this.callTimeoutMs): Promise<{ ok: true; lock_time: number; trusted: boolean } | { ok: false; result: WireResult }> {
    const a = await this.call('clock_get', {}, timeoutMs);
    if (a.result !== 'ok') return { ok: false, result: a.result };
    if (!isLockTime(a.data.lock_time) || typeof a.data.trusted !== 'boolean') return { ok: false, result: 'error' };
    return { ok: true, lock_time: a.data.lock_time, trusted: a.data.trusted };
  }

  /**
   * The lock clock's whole second, for polling (LAB-05, placing a running clock). DESIGN §6: the host
   * never sends a new request whose seq and bytes equal the last one under that seq, and `clock_get {}`
   * has one form only — polled 256 times it would run out of seqs. A poll that cannot go out now as
   * `clock_get` reads `state`, whose answer carries the same `lock_time` (§4); the two alternate on a seq.
   */
  async clockTime(timeoutMs = this.callTimeoutMs): Promise<{ ok: true; lock_time: number } | { ok: false; result: WireResult }> {
    if (this.canSendNow('clock_get')) return this.clockGet(timeoutMs);
    const a = await this.call('state', {}, timeoutMs);
    if (a.result !== 'ok') return { ok: false, result: a.result };
    return isLockTime(a.data.lock_time) ? { ok: true, lock_time: a.data.lock_time } : { ok: false, result: 'error' };
  }

  /** A virtual lock's `sim_*` op (`battery`, `tamper`, `jam`, `drift`, `reset_clock`). */
  sim(op: 'battery' | 'tamper' | 'jam' | 'drift' | 'reset_clock', args: JsonObject = {}, timeoutMs = this.callTimeoutMs): Promise<WireAnswer> {
    return this.call(`sim_${op}`, args, timeoutMs);
  }

  private lockResult(a: WireAnswer): LockResult {
    return isLockResult(a.result) ? a.result : 'error';
  }
}
