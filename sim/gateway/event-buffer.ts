/**
 * A bounded FIFO of events a gateway could not deliver yet (uplink down or partitioned): when full,
 * the oldest is dropped and counted, so memory stays bounded through a long outage.
 */
export class EventBuffer<T> {
  /** Made at the first event: most gateways of a fleet never buffer one. */
  private items: T[] | null = null;
  /** Events dropped because the buffer was full. */
  dropped = 0;

  constructor(private readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`event buffer size must be an integer ≥ 1, got ${max}`);
  }

  get length(): number {
    return this.items?.length ?? 0;
  }

  push(item: T): void {
    const items = (this.items ??= []);
    if (items.length >= this.max) {
      items.shift();
      this.dropped++;
    }
    items.push(item);
  }

  /** The oldest item, left in place until `shift` (it is removed only once delivered). */
  peek(): T | undefined {
    return this.items?.[0];
  }

  shift(): void {
    this.items?.shift();
  }
}
