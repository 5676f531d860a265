/** Keypad lockout settings (DESIGN §5.4). */
export interface LockoutConfig {
  attempts: number;
  seconds: number;
}

/**
 * Wrong-password counter and keypad lockout, in lock time (DESIGN §5.4): after `attempts` wrong
 * passwords in a row everything is refused for `seconds`; afterwards the count starts again.
 */
export class Lockout {
  private wrong = 0;
  private since: number | null = null;

  /** `disabled`: defect `lock-no-lockout` (wrong attempts are counted but never lock the keypad). */
  constructor(private readonly cfg: LockoutConfig, private readonly disabled = false) {}

  get wrongAttempts(): number {
    return this.wrong;
  }

  /** Lock time the lockout ends, or null when not locked out (call `expire` first for a live value). */
  get lockedOutUntil(): number | null {
    return this.since === null ? null : this.since + this.cfg.seconds;
  }

  /** End a lockout whose time is over at lock time t (the counter resets with it). */
  expire(t: number): void {
    if (this.since === null) return;
    // Outside [since, since + seconds): over, or the clock was set back before it began (time sync).
    if (t >= this.since + this.cfg.seconds || t < this.since) {
      this.since = null;
      this.wrong = 0;
    }
  }

  /** Whether the keypad is locked out at lock time t. */
  isLockedOut(t: number): boolean {
    this.expire(t);
    return this.since !== null;
  }

  /** A wrong password at lock time t; the `attempts`-th in a row starts a lockout. */
  recordWrong(t: number): void {
    this.wrong += 1;
    if (!this.disabled && this.wrong >= this.cfg.attempts) this.since = t;
  }

  /** A right password resets the count. */
  recordMatch(): void {
    this.wrong = 0;
  }
}
