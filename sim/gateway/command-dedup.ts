/** What the gateway already knows about a command id (DESIGN §4 at-least-once). */
export type DedupState<A> = { kind: 'new' } | { kind: 'in_progress' } | { kind: 'done'; ack: A };

/**
 * The last `capacity` command ids a gateway received, with their acks once sent. DESIGN §4: a
 * repeated id is answered with the same ack without acting again.
 */
export class CommandDedup<A> {
  // Insertion order is arrival order, so the first key is the oldest; undefined = in progress.
  private readonly entries = new Map<string, A | undefined>();

  /** @param capacity how many ids are remembered (DESIGN §4: 256). */
  constructor(readonly capacity = 256) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive integer');
  }

  /** Record the arrival of `id`; answers what was known before (`new` the first time). */
  begin(id: string): DedupState<A> {
    if (this.entries.has(id)) {
      const ack = this.entries.get(id);
      return ack === undefined ? { kind: 'in_progress' } : { kind: 'done', ack };
    }
    this.entries.set(id, undefined);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    return { kind: 'new' };
  }

  /** Remember the ack sent for `id` (kept in its arrival position; ignored if `id` was evicted meanwhile). */
  finish(id: string, ack: A): void {
    if (this.entries.has(id)) this.entries.set(id, ack);
  }

  /** How many ids are remembered now. */
  get size(): number {
    return this.entries.size;
  }
}
