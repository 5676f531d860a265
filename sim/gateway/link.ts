import type { LockEvent, LockOp } from '../protocol/index.ts';
import type { LockAnswer } from '../lock/types.ts';

/**
 * How a gateway reaches one lock: over the in-process radio in the simulator, over lockwire on a
 * serial port in the lab. `request` always settles: with the lock's answer, or `unreachable`
 * when the lock cannot be reached within `timeoutMs`.
 */
export interface LockLink {
  readonly lockId: number;
  request(op: LockOp, timeoutMs: number): Promise<LockAnswer>;
  /** Subscribe to the lock's own events; returns an unsubscribe function. */
  onEvent(listener: (ev: LockEvent) => void): () => void;
  close(): Promise<void>;
}
