import type { LockEvent } from '../protocol/index.ts';

/** How many recent events a lock keeps for the control API (LockSnapshot.events). */
export const EVENT_LOG_SIZE = 100;

type Listener = (ev: LockEvent) => void;

/**
 * A lock's recent events and its subscribers; listeners run synchronously after the state change.
 * Both lists are made on first use: most locks of a fleet never emit, and an empty Set or array per
 * lock was a few hundred bytes of a million-lock fleet's budget (DESIGN §13).
 */
export class EventLog {
  private recent: LockEvent[] | null = null;
  // One entry per subscription, so the same function subscribed twice is called twice and unsubscribed once.
  private subscriptions: { listener: Listener }[] | null = null;

  /** Record an event and hand it to every current listener. */
  emit(ev: LockEvent): void {
    const recent = (this.recent ??= []);
    recent.push(ev);
    if (recent.length > EVENT_LOG_SIZE) recent.shift();
    for (const sub of this.subscriptions?.slice() ?? []) sub.listener({ ...ev });
  }

  /** Subscribe; returns the unsubscribe function. */
  on(listener: Listener): () => void {
    const sub = { listener };
    // A literal, not push on an empty array (which reserves 17 slots): one subscriber is the rule.
    if (this.subscriptions) this.subscriptions.push(sub);
    else this.subscriptions = [sub];
    return () => {
      const i = this.subscriptions?.indexOf(sub) ?? -1;
      if (i >= 0) this.subscriptions!.splice(i, 1);
    };
  }

  /** The last EVENT_LOG_SIZE events, oldest first (copies). */
  events(): LockEvent[] {
    return this.recent?.map((ev) => ({ ...ev })) ?? [];
  }
}
