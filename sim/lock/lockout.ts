import type { LockoutSetBack } from './types.ts';

/** Keypad lockout settings (DESIGN §5.4). */
export interface LockoutConfig {
  attempts: number;
  seconds: number;
}

/**
 * Wrong-password counter and keypad lockout (DESIGN §5.4): after `attempts` wrong passwords in a
 * row everything is refused for `seconds`; afterwards the count starts again. Times are in whatever
 * clock the firmware counts lockout in (lock time by default; see `LockSpec.lockoutClock`).
 */
export class Lockout {
  private wrong = 0;
  private since: number | null = null;
  private lastT: number | null = null;

  /**
   * `setBack`: a firmware choice §5.4 leaves open (`LockSpec.lockoutSetBack`) — a clock set back ends
   * the lockout, keeps its remaining time, or keeps its end (in the clock's own time, now ahead).
   */
  constructor(private readonly cfg: LockoutConfig, private readonly setBack: LockoutSetBack = 'ends') {}

  get wrongAttempts(): number {
    return this.wrong;
  }

  /** Time the lockout ends, or null when not locked out (call `expire` first for a live value). */
  get lockedOutUntil(): number | null {
    return this.since === null ? null : this.since + this.cfg.seconds;
  }

  /** End a lockout whose time is over at t (the counter resets with it). */
  expire(t: number): void {
    const last = this.lastT;
    this.lastT = t;
    if (this.since === null) return;
    // The clock went back (time sync) since the last look: keep the elapsed part of the lockout.
    if (this.setBack === 'keeps-remaining' && last !== null && t < last) this.since -= last - t;
    // Over; or (unless its end is kept) the clock was set back before it began.
    if (t >= this.since + this.cfg.seconds || (t < this.since && this.setBack !== 'keeps-end')) {
      this.since = null;
      this.wrong = 0;
    }
  }

  /** Whether the keypad is locked out at t. */
  isLockedOut(t: number): boolean {
    this.expire(t);
    return this.since !== null;
  }

  /** A wrong password at t; the `attempts`-th in a row starts a lockout. */
  recordWrong(t: number): void {
    this.expire(t);
    this.wrong += 1;
    if (this.startsLockout(this.wrong)) this.since = t;
  }

  /** Whether the `wrong`-th wrong password in a row starts a lockout (DESIGN §5.4: the `attempts`-th does). */
  startsLockout(wrong: number): boolean {
    return wrong >= this.cfg.attempts;
  }

  /** A right password resets the count. */
  recordMatch(): void {
    this.wrong = 0;
  }

  /** What a firmware keeps across restarts. */
  saved(): { wrong: number; since: number | null } {
    return { wrong: this.wrong, since: this.since };
  }

  /** Restore what `saved` returned. */
  restore(s: { wrong: number; since: number | null }): void {
    this.wrong = s.wrong;
    this.since = s.since;
    this.lastT = null;
  }
}
