import type { LockEvent, LockOp } from '../protocol/index.ts';
import type { LockAnswer, LockFirmware } from '../lock/types.ts';
import type { LockLink } from './link.ts';

/**
 * The in-process radio between a virtual gateway and a virtual lock (DESIGN §1 `sim/gateway`): a
 * request reaches the lock only while it is reachable (powered, radio not cut), else `unreachable`.
 */
export class RadioLink implements LockLink {
  readonly lockId: number;
  private readonly unsubscribers = new Set<() => void>();
  private closed = false;

  constructor(private readonly lock: LockFirmware) {
    this.lockId = lock.lockId;
  }

  /** Execute `op` on the lock; the radio answers at once, so `timeoutMs` never elapses. */
  async request(op: LockOp, _timeoutMs: number): Promise<LockAnswer> {
    if (this.closed || !this.lock.reachable) return { result: 'unreachable', data: {} };
    return this.lock.execute(op);
  }

  /** Forward the lock's own events until unsubscribed or the link is closed. */
  onEvent(listener: (ev: LockEvent) => void): () => void {
    if (this.closed) return () => {};
    const off = this.lock.onEvent(listener);
    const unsubscribe = (): void => {
      if (this.unsubscribers.delete(unsubscribe)) off();
    };
    this.unsubscribers.add(unsubscribe);
    return unsubscribe;
  }

  /** Drop every event subscription; later requests answer `unreachable`. */
  async close(): Promise<void> {
    this.closed = true;
    for (const unsubscribe of [...this.unsubscribers]) unsubscribe();
  }
}
