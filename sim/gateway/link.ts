import type { LockEvent, LockOp } from '../protocol/index.ts';
import type { LockAnswer } from '../lock/types.ts';

/**
 * How a gateway reaches one lock: over the in-process radio in the simulator, over lockwire on a
 * serial port in the lab. `request` always settles: with the lock's answer, or `unreachable`
 * when the lock cannot be reached within `timeoutMs`.
 */
export interface LockLink {
  readonly lockId: number;
  /**
   * true: an event its listener answers false for is sent again by the lock (lockwire's unacked event,
   * DESIGN §6), so a gateway may hold it back. Absent: the event is gone once delivered (the radio).
   */
  readonly flowControl?: boolean;
  request(op: LockOp, timeoutMs: number): Promise<LockAnswer>;
  /**
   * Subscribe to the lock's own events; returns an unsubscribe function. The listener answers false
   * when it cannot hold the event now (DESIGN §3.3/§4 backpressure: its queue for a live uplink is
   * full); a link with `flowControl` then leaves the event unacked, so the lock sends it again. A
   * link without flow control ignores the answer.
   */
  onEvent(listener: EventListener): () => void;
  close(): Promise<void>;
}

/** A link's event subscriber: false = not taken now (send it again later); anything else = held. */
export type EventListener = (ev: LockEvent) => boolean | void;

/**
 * Many locks behind one object (a fleet's in-process radio, DESIGN §13): a gateway holds one group for
 * its locks instead of a link, a map entry and a subscription per lock. No flow control (the radio's).
 */
export interface LockLinkGroup {
  /** Whether the group reaches `lockId`. */
  has(lockId: number): boolean;
  request(lockId: number, op: LockOp, timeoutMs: number): Promise<LockAnswer>;
  /** Subscribe to the events of every lock of the group; returns an unsubscribe function. */
  onEvent(listener: EventListener): () => void;
  close(): Promise<void>;
}
