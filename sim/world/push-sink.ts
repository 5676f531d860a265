import type { Clock } from '../clock/index.ts';

/** One push as received by the built-in sink (`GET /push`). */
export interface ReceivedPush {
  /** World time of receipt. */
  at: number;
  app_id: string;
  body: unknown;
}

/**
 * The world's built-in push receiver (DESIGN §3.4, `push_url: "sink"`). It can be told to fail
 * the next N deliveries so retries can be tested (TEST-PLAN PUSH-02).
 */
export class PushSink {
  private readonly received: ReceivedPush[] = [];
  private failNext = 0;
  private failStatus = 500;
  readonly stats = { received: 0, refused: 0, dropped: 0 };

  constructor(private readonly clock: Clock, private readonly capacity = 10_000) {}

  /** Take one delivery: the HTTP status to answer with. */
  deliver(appId: string, body: unknown): number {
    if (this.failNext > 0) {
      this.failNext--;
      this.stats.refused++;
      return this.failStatus;
    }
    if (this.received.length >= this.capacity) {
      this.received.shift();
      this.stats.dropped++;
    }
    this.received.push({ at: this.clock.now(), app_id: appId, body });
    this.stats.received++;
    return 200;
  }

  /** Fail the next `count` deliveries with HTTP `status`. */
  failDeliveries(count: number, status: number): void {
    this.failNext = count;
    this.failStatus = status;
  }

  /** Everything received, oldest first. */
  list(): ReceivedPush[] {
    return [...this.received];
  }

  clear(): void {
    this.received.length = 0;
  }

  /** Empty and answering 200 again (a world reset). */
  reset(): void {
    this.clear();
    this.failNext = 0;
  }
}
