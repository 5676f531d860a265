import type { LockClock } from '../clock/index.ts';

/**
 * The lock's side of a time sync (DESIGN §5.3): a seq is taken once and only above every seq taken
 * before; taking it sets the clock to the server time. Each method is one contract step a seeded
 * defect may wrap (`sim/lock/seeded.ts`).
 */
export class TimeSyncSeqs {
  private last = 0;

  constructor(private readonly clock: LockClock) {}

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
    this.clock.set(w, serverTime);
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
