/** What the gateway already knows about a command id (DESIGN §4 at-least-once). */
export type DedupState<A> = { kind: 'new' } | { kind: 'in_progress' } | { kind: 'done'; ack: A };

/**
 * The last `capacity` command ids a gateway received, with their acks once sent. DESIGN §4: a
 * repeated id is answered with the same ack without acting again.
 */
export class CommandDedup<A> {
  // Insertion order is arrival order, so the first key is the oldest; undefined = in progress.
  // Made at the first command: most gateways of a fleet never receive one.
  private entries: Map<string, A | undefined> | null = null;

  /** @param capacity how many ids are remembered (DESIGN §4: 256). */
  constructor(readonly capacity = 256) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive integer');
  }

  /** Record the arrival of `id`; answers what was known before (`new` the first time). */
  begin(id: string): DedupState<A> {
    const entries = (this.entries ??= new Map());
    if (entries.has(id)) {
      const ack = entries.get(id);
      return ack === undefined ? { kind: 'in_progress' } : { kind: 'done', ack };
    }
    entries.set(id, undefined);
    if (entries.size > this.capacity) {
      const oldest = entries.keys().next();
      if (!oldest.done) entries.delete(oldest.value);
    }
    return { kind: 'new' };
  }

  /** Remember the ack sent for `id` (kept in its arrival position; ignored if `id` was evicted meanwhile). */
  finish(id: string, ack: A): void {
    if (this.entries?.has(id)) this.entries.set(id, ack);
  }

  /** How many ids are remembered now. */
  get size(): number {
    return this.entries?.size ?? 0;
  }
}
