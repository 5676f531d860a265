import type { Clock } from '../clock/index.ts';
import { FaultDice } from '../random.ts';

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
  private rateStatus = 503;
  /** A share of deliveries refused (`POST /push/faults {"fail_rate", "status"}`), drawn from the world's seed. */
  readonly faults = new FaultDice('sink');
  readonly stats = { received: 0, refused: 0, dropped: 0 };
  private readonly listeners = new Set<(push: ReceivedPush) => void>();

  constructor(private readonly clock: Clock, private readonly capacity = 10_000) {}

  /** Take one delivery: the HTTP status to answer with. */
  deliver(appId: string, body: unknown): number {
    if (this.failNext > 0) {
      this.failNext--;
      this.stats.refused++;
      return this.failStatus;
    }
    if (this.faults.hit()) {
      this.stats.refused++;
      return this.rateStatus;
    }
    if (this.received.length >= this.capacity) {
      this.received.shift();
      this.stats.dropped++;
    }
    const push = { at: this.clock.now(), app_id: appId, body };
    this.received.push(push);
    this.stats.received++;
    for (const l of this.listeners) l(push);
    return 200;
  }

  /** Fail the next `count` deliveries with HTTP `status`. */
  failDeliveries(count: number, status: number): void {
    this.failNext = count;
    this.failStatus = status;
  }

  /** Refuse a share `rate` (0…1) of deliveries with HTTP `status`, drawing afresh from `seed`. */
  failShare(rate: number, status: number, seed: number): void {
    this.faults.set(rate, null, seed);
    this.rateStatus = status;
  }

  /**
   * Every push taken from now on, as it is taken: the list keeps only the newest `capacity`, and a
   * long run (the soak) must count all of them. Returns a function that stops listening.
   */
  onPush(listener: (push: ReceivedPush) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Everything received, oldest first (the newest `capacity`). */
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
    this.faults.clear();
  }
}
