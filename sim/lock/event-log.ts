import type { LockEvent } from '../protocol/index.ts';

/** How many recent events a lock keeps for the control API (LockSnapshot.events). */
export const EVENT_LOG_SIZE = 100;

type Listener = (ev: LockEvent) => void;

/** A lock's recent events and its subscribers; listeners run synchronously after the state change. */
export class EventLog {
  private readonly recent: LockEvent[] = [];
  // One entry per subscription, so the same function subscribed twice is called twice and unsubscribed once.
  private readonly subscriptions = new Set<{ listener: Listener }>();

  /** Record an event and hand it to every current listener. */
  emit(ev: LockEvent): void {
    this.recent.push(ev);
    if (this.recent.length > EVENT_LOG_SIZE) this.recent.shift();
    for (const sub of [...this.subscriptions]) sub.listener({ ...ev });
  }

  /** Subscribe; returns the unsubscribe function. */
  on(listener: Listener): () => void {
    const sub = { listener };
    this.subscriptions.add(sub);
    return () => {
      this.subscriptions.delete(sub);
    };
  }

  /** The last EVENT_LOG_SIZE events, oldest first (copies). */
  events(): LockEvent[] {
    return this.recent.map((ev) => ({ ...ev }));
  }
}
