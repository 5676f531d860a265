import type { LockClock } from '../clock/index.ts';

/**
 * The lock's side of a time sync (DESIGN §5.3): a seq is taken once and only above every seq taken
 * before; taking it sets the clock to the server time. Each method is one contract step a seeded
 * defect may wrap (`sim/lock/seeded.ts`).
 */
export class TimeSyncSeqs {
  private last = 0;

  /** `phase`: where the next second starts after a sync (`LockSpec.syncPhase`, DESIGN §11). */
  constructor(private readonly clock: LockClock, private readonly phase: 'zero' | 'kept' = 'zero') {}

  /** The highest seq taken (kept across restarts). */
  get lastSeq(): number {
    return this.last;
  }

  /** Whether `seq` was taken already or is below one taken. */
  isReplay(seq: number): boolean {
    return seq <= this.last;
  }

  /** Set the lock clock to `serverTime` at world time w. */
  setClock(w: number, serverTime: number): void {
    // DESIGN §11: an RTC that keeps its sub-second phase reads serverTime at once, but turns to the
    // next second when its own tick comes, not a whole second later.
    const kept = this.phase === 'kept' ? this.clock.now(w) % 1 : 0;
    this.clock.set(w, serverTime + kept);
  }

  /** Remember `seq` as taken. */
  take(seq: number): void {
    this.last = Math.max(this.last, seq);
  }

  /** Take back the highest seq a restarted firmware read from its flash. */
  restore(lastSeq: number): void {
    this.last = lastSeq;
  }
}
