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
   * `survivesSetBack`: a firmware choice §5.4 leaves open — a clock set back keeps the lockout's
   * remaining time instead of ending it.
   */
  constructor(private readonly cfg: LockoutConfig, private readonly survivesSetBack = false) {}

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
    if (this.survivesSetBack && last !== null && t < last) this.since -= last - t;
    // Outside [since, since + seconds): over, or the clock was set back before it began.
    if (t >= this.since + this.cfg.seconds || t < this.since) {
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
