/**
 * The FIFO of events a gateway has not delivered yet (DESIGN §3.3/§4). While the uplink is up nothing
 * is dropped: a burst waits its turn (backpressure — `full` tells a producer with flow control to hold
 * back, e.g. a lock's lockwire acks), up to a hard cap of last resort that keeps memory bounded
 * (STYLE §18). During an outage the queue is trimmed to `max`, oldest first, counted, so a long outage
 * costs bounded memory.
 */
export class EventBuffer<T> {
  /** Made at the first event: most gateways of a fleet never buffer one. */
  private items: T[] | null = null;
  /** Events dropped during an outage because the buffer was full (DESIGN §3.3: counted). */
  dropped = 0;
  /** Events dropped on a live uplink at the hard cap (a producer that ignored `full`); 0 in any sane run. */
  droppedLive = 0;
  private readonly hardCap: number;

  /** `max`: the outage bound; `hardCapFactor` × max (default 16) bounds a live burst. */
  constructor(private readonly max: number, opts: { hardCapFactor?: number } = {}) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`event buffer size must be an integer ≥ 1, got ${max}`);
    this.hardCap = max * (opts.hardCapFactor ?? 16);
  }

  get length(): number {
    return this.items?.length ?? 0;
  }

  /** At or past the outage bound: a producer that can wait should (backpressure). */
  get full(): boolean {
    return this.length >= this.max;
  }

  /** Queue `item`; `up`: whether the uplink is up now (only an outage may drop). Returns how many were dropped. */
  push(item: T, { up }: { up: boolean }): number {
    const items = (this.items ??= []);
    items.push(item);
    const bound = up ? this.hardCap : this.max;
    const over = Math.max(0, items.length - bound);
    if (over > 0) {
      items.splice(0, over);
      if (up) this.droppedLive += over;
      else this.dropped += over;
    }
    return over;
  }

  /** The oldest item, left in place until `shift` (it is removed only once delivered). */
  peek(): T | undefined {
    return this.items?.[0];
  }

  shift(): void {
    this.items?.shift();
  }
}
