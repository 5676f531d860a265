import { frameHex, type JsonObject } from '../../sim/protocol/lockwire.ts';
import { parseLockEvent, type LockEvent } from '../../sim/protocol/index.ts';
import type { EventListener } from '../../sim/gateway/link.ts';

/** Device faults kept for the checks (the latest). */
const MAX_FAULTS = 16;

/** A device's payload as shown in a fault line: JSON, cut short (a hostile device sends huge strings). */
function excerpt(payload: JsonObject): string {
  const text = JSON.stringify(payload);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

export interface LockEventsOptions {
  /** The lock on the port (learnt from `info` when the link identifies it). */
  lockId: () => number;
  /** Send the event ack for `seq` (DESIGN §6 frame type 4). */
  ack: (seq: number) => void;
  /** Recent events remembered to drop resends the lock made because an ack was lost. Default 64. */
  recentEvents?: number;
  log?: (line: string) => void;
}

/**
 * A lockwire link's event side (DESIGN §6): each event the lock sends is acked once it is held, forwarded
 * once, and what breaks the contract is dropped and named as the device's (TEST-PLAN LAB-01). An event a
 * listener cannot hold yet (DESIGN §3.3/§4 backpressure) is left unacked, so the lock sends it again.
 */
export class LockEvents {
  readonly counts = { badPayloads: 0, events: 0, duplicateEvents: 0, eventsHeldBack: 0 };
  private readonly listeners = new Set<EventListener>();
  private readonly recent: string[] = [];
  private readonly faults: string[] = [];

  constructor(private readonly o: LockEventsOptions) {}

  /** "the device sent event {…}: why" for the last MAX_FAULTS events dropped as out of contract. */
  get deviceFaults(): readonly string[] {
    return this.faults;
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Deliver `ev` to every listener; false when one could not hold it. */
  emit(ev: LockEvent): boolean {
    let held = true;
    for (const l of this.listeners) if (l(ev) === false) held = false;
    return held;
  }

  /**
   * An event frame in. A resend of one already held is acked again (its first ack was lost); one that
   * breaks the contract is acked (a resend would be the same), dropped and recorded as the device's fault.
   */
  receive(seq: number, payload: JsonObject, bytes: Buffer): void {
    const key = frameHex(bytes);
    if (this.recent.includes(key)) {
      this.counts.duplicateEvents++;
      this.o.ack(seq);
      return;
    }
    const ev = parseLockEvent(payload);
    const lockId = this.o.lockId();
    const fault = typeof ev === 'string' ? ev : ev.lock_id !== lockId ? `lock_id ${ev.lock_id} is not this port's lock ${lockId}` : undefined;
    if (typeof ev === 'string' || fault !== undefined) {
      this.counts.badPayloads++;
      this.noteFault(`the device sent event ${excerpt(payload)}: ${fault}`);
      this.remember(key);
      this.o.ack(seq);
      return;
    }
    if (!this.emit(ev)) {
      this.counts.eventsHeldBack++;
      return;
    }
    this.remember(key);
    this.counts.events++;
    this.o.ack(seq);
  }

  private remember(key: string): void {
    this.recent.push(key);
    if (this.recent.length > (this.o.recentEvents ?? 64)) this.recent.shift();
  }

  private noteFault(line: string): void {
    this.faults.push(line);
    if (this.faults.length > MAX_FAULTS) this.faults.shift();
    this.o.log?.(line);
  }
}
