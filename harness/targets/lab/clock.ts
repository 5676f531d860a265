import { setTimeout as sleep } from 'node:timers/promises';
import type { LockResult } from '../../../sim/protocol/index.ts';
import type { SerialLink } from '../../serial/serial-link.ts';
import type { TimeSyncKeys } from '../core/facets.ts';
import type { LabState } from './state.ts';
import { waitOutLockout } from '../core/lockout-wait.ts';

/** The device's part of the lab clock: what the clock needs of the link. */
export type ClockLink = Pick<SerialLink, 'bleTimeSync' | 'clockGet' | 'clockTime'>;

/** The world clock a lab run owns (frozen; moved only by the harness and by tests through the clock facet). */
export interface WorldTime {
  now(): number;
  set(unixS: number): number;
}

export interface LabClockDeps {
  world: WorldTime;
  link: ClockLink;
  lockId: number;
  /** `info.caps` of the device (DESIGN §6). */
  caps: readonly string[];
  state: LabState;
  /** Time-sync keys from the embedded cloud at the current world time (DESIGN §5.3). */
  issueKeys(): Promise<TimeSyncKeys>;
  /** Bound of one lockwire call, ms. */
  callMs: number;
  /** Real-time waits (injected so unit tests need not sleep). */
  sleepMs?: (ms: number) => Promise<unknown>;
  nowMs?: () => number;
}

/** Where the device's second is found after a sync, real ms: a phase kept by its RTC makes it up to 1 s (DESIGN §11). */
const EDGE_WAIT_MS = 2500;
/** Pause between two polls of a running clock, ms: with the answer's own latency, about 20 polls a second at most. */
const POLL_GAP_MS = 30;
/** Placements and probes tried before a boundary check gives up naming what it saw. */
const TRIES = 3;

/**
 * The one owner of a lab run's clock state (DESIGN §11): world time, whether the device clock matches
 * it, who holds it (the harness, or a test that reset or synced it itself, or LAB-05 measuring), and
 * where a running device clock was placed. Every world-clock write of the lab goes through here;
 * reading the time has no side effect — the device is synced lazily, before its next use.
 */
export class LabClock {
  private stale = true;
  private owned = false;
  private measuring = false;
  private running = true;
  private lastRoundTripMs = 0;
  /** The second a running device clock was placed at, while no one moved it since (boundary probes). */
  private placedAt: number | undefined;
  private readonly sleepMs: (ms: number) => Promise<unknown>;
  private readonly nowMs: () => number;

  constructor(private readonly deps: LabClockDeps) {
    this.sleepMs = deps.sleepMs ?? ((ms) => sleep(ms));
    this.nowMs = deps.nowMs ?? (() => performance.now());
  }

  /** Whether the device clock moves in real time (a frozen virtual lock's does not). */
  get realTime(): boolean {
    return this.running;
  }

  /** Round trip of the last sync, ms. */
  get roundTripMs(): number {
    return this.lastRoundTripMs;
  }

  private has(cap: string): boolean {
    return this.deps.caps.includes(cap);
  }

  /** World time. No side effect. */
  now(): number {
    return this.deps.world.now();
  }

  /** Move world time (the clock facet, settling): the device is synced to it before its next use. */
  set(t: number): number {
    this.stale = true;
    this.placedAt = undefined;
    return this.deps.world.set(t);
  }

  advance(s: number): number {
    return this.set(this.now() + s);
  }

  /** A new test: the harness holds the clock again. */
  startTest(): void {
    this.owned = false;
    this.measuring = false;
    this.placedAt = undefined;
  }

  /** The test reset the device clock: it is the test's subject until the next test (no harness sync). */
  takeOver(): void {
    this.owned = true;
    this.placedAt = undefined;
  }

  /** The test carried keys to the lock itself: its clock is the test's business until the world moves. */
  syncedByTest(seq: number, lockTime: number): void {
    this.stale = false;
    this.placedAt = undefined;
    this.deps.state.recordSeq(this.deps.lockId, seq);
    this.noteLockTime(lockTime);
  }

  /** The device showed lock time `t` (DESIGN §11: the latest one bounds a lockout begun before a set-back). */
  noteLockTime(t: number): void {
    if (Number.isInteger(t)) this.deps.state.noteLockTime(this.deps.lockId, t);
  }

  /** Sync the device to world time if the world moved and the harness holds the clock. */
  async sync(): Promise<void> {
    if (!this.stale || this.owned || this.measuring || !this.has('time_sync')) return;
    const r = await this.trySync();
    if (r !== 'ok') throw new Error(`lab: the lock refused the harness's time sync: ${r}`);
  }

  /** One time sync to world time: `ok`, `replay`, or what else the device answered, with the seq. */
  async trySync(): Promise<string> {
    const keys = await this.deps.issueKeys();
    const t0 = this.nowMs();
    const r = await this.deps.link.bleTimeSync(keys.seq, keys.key1, keys.key2, this.deps.callMs);
    this.lastRoundTripMs = this.nowMs() - t0;
    if (r.result === 'ok') {
      this.deps.state.recordSeq(this.deps.lockId, keys.seq);
      this.noteLockTime(Math.floor(this.now()));
      this.stale = false;
    }
    return r.result === 'replay' ? 'replay' : r.result === 'ok' ? 'ok' : `${r.result} at seq ${keys.seq}`;
  }

  /** Whether the device clock runs: two reads 1.1 s apart (a whole-second clock within 9 % of real time has turned). */
  async measureRunning(): Promise<void> {
    if (!this.has('clock')) return;
    const first = await this.time();
    await this.sleepMs(1100);
    this.running = (await this.time()) > first;
  }

  /** `clock_get`: the device clock and whether it is trusted. */
  async read(): Promise<{ lock_time: number; trusted: boolean }> {
    const c = await this.deps.link.clockGet(this.deps.callMs);
    if (!c.ok) throw new Error(`lab: clock_get answered ${c.result}`);
    this.noteLockTime(c.lock_time);
    return c;
  }

  /** The device clock's whole second (polling form: `clock_get` or `state`, DESIGN §6 seq rules). */
  async time(): Promise<number> {
    const c = await this.deps.link.clockTime(this.deps.callMs);
    if (!c.ok) throw new Error(`lab: reading the device clock answered ${c.result}`);
    this.noteLockTime(c.lock_time);
    return c.lock_time;
  }

  /** LAB-05: no harness sync while `f` measures the clock (DESIGN §11 "no time sync in between"). */
  async measure<T>(f: () => Promise<T>): Promise<T> {
    this.measuring = true;
    try {
      return await f();
    } finally {
      this.measuring = false;
    }
  }

  /**
   * Place the device clock at second `t` (DESIGN §11 "Real time"). A frozen clock is synced to t and
   * read back. A running one is synced to t − 1 and polled until it turns to t — when is the device's
   * (its RTC may keep its sub-second phase) — and the read that saw t confirms the second before the
   * probe that follows; `probe` confirms it after. World time is t afterwards.
   */
  async place(t: number): Promise<void> {
    this.owned = false;
    if (!this.running) {
      this.set(t);
      await this.sync();
      const got = await this.time();
      if (got !== t) throw new Error(`lab: placed the device clock at ${t}, it reads ${got}`);
      return;
    }
    const seen: number[] = [];
    for (let attempt = 0; attempt < TRIES; attempt++) {
      this.set(t - 1);
      await this.sync();
      const until = this.nowMs() + EDGE_WAIT_MS;
      let read = await this.time();
      while (read < t && this.nowMs() < until) {
        await this.sleepMs(POLL_GAP_MS);
        read = await this.time();
      }
      seen.push(read);
      if (read === t) {
        this.deps.world.set(t);
        this.placedAt = t;
        return;
      }
    }
    throw new Error(`lab: could not place the device clock at ${t}: synced to ${t - 1}, it read ${seen.join(', ')} (want ${t} within ${EDGE_WAIT_MS} ms)`);
  }

  /**
   * A probe whose answer depends on the second it lands in (a keypress at a window's edge): the first
   * use of a running clock just placed; the second is read again after it; if it moved on, the probe may have
   * landed in the next second, so the clock is placed again and the probe repeated (DESIGN §11).
   */
  async probe<T>(f: () => Promise<T>): Promise<T> {
    const at = this.placedAt;
    if (at === undefined || !this.running) return f();
    // Only the first use after a placement is the boundary probe: repeating a later one (a wrong code
    // counted towards a lockout) would change what the test is counting.
    this.placedAt = undefined;
    const seen: number[] = [];
    for (let attempt = 0; ; attempt++) {
      const r = await f();
      const after = await this.time();
      if (after === at) return r;
      seen.push(after);
      if (attempt + 1 >= TRIES) throw new Error(`lab: a probe placed at lock time ${at} could not be kept inside that second: read ${seen.join(', ')} right after it`);
      await this.place(at);
      this.placedAt = undefined;
    }
  }

  /**
   * No keypad lockout in force (DESIGN §11). `validCode` types the code valid at world time. A lockout
   * counted in lock time ends when the clock moves past it — for one begun before a set-back, that is
   * past the latest lock time the device has shown plus `seconds` — and one counted otherwise is
   * waited out, bounded by `seconds`. Throws naming what was left.
   */
  async endLockout(seconds: number, validCode: () => Promise<LockResult>): Promise<void> {
    await this.sync();
    let r = await validCode();
    if (r === 'locked_out' && this.has('time_sync')) {
      const latest = Math.max(this.deps.state.lockTime(this.deps.lockId) ?? 0, Math.floor(this.now()));
      this.set(latest + seconds + 1);
      await this.sync();
      r = await validCode();
    }
    r = await waitOutLockout(r, validCode, (x) => x === 'locked_out', seconds + 2, { nowMs: () => this.nowMs(), sleepMs: async (ms) => void (await this.sleepMs(ms)) });
    if (r === 'locked_out') throw new Error(`lab settle: the keypad is still locked out after moving its clock past the latest lock time it showed + ${seconds} s and waiting ${seconds + 2} s of real time`);
    if (r !== 'ok') throw new Error(`lab settle: the code valid now was answered ${r} (want ok)`);
  }
}
