import type { LockOp } from '../protocol/index.ts';
import type { LockAnswer, LockFirmware, LockRoute } from '../lock/index.ts';
import { indexOfSorted } from '../lock/index.ts';
import type { EventListener, LockLinkGroup } from './link.ts';
import type { FaultDice } from '../random.ts';

/** Where a group finds its locks: a fleet's `LockTable` (each lock made on first use, events by route). */
export interface LockSource {
  get(lockId: number): LockFirmware | undefined;
  route(lockIds: ArrayLike<number>, route: LockRoute): () => void;
}

/**
 * The in-process radio between one virtual gateway and all its locks (DESIGN §1 `sim/gateway`), as
 * `RadioLink` is for one: a request reaches a lock only while it is reachable, else `unreachable`.
 * Per lock it holds 4 bytes (the id); a lock's object is made only when a request reaches it.
 */
export class RadioLinks implements LockLinkGroup {
  private readonly ids: Uint32Array;
  private off: (() => void) | null = null;
  private closed = false;

  /** `lossesOf`: the loss rate's dice of a lock, if it has one (as `RadioLink`'s). */
  constructor(private readonly source: LockSource, lockIds: readonly number[], private readonly lossesOf?: (lockId: number) => FaultDice | undefined) {
    this.ids = Uint32Array.from(lockIds).sort();
  }

  has(lockId: number): boolean {
    return indexOfSorted(this.ids, lockId) >= 0;
  }

  /** Execute `op` on the lock; the radio answers at once, so `timeoutMs` never elapses. A drawn loss is `unreachable`. */
  async request(lockId: number, op: LockOp, _timeoutMs: number): Promise<LockAnswer> {
    const lock = this.closed || !this.has(lockId) ? undefined : this.source.get(lockId);
    if (!lock || !lock.reachable || this.lossesOf?.(lockId)?.hit()) return { result: 'unreachable', data: {} };
    return lock.execute(op);
  }

  /** Forward every lock's events to `listener` (replacing an earlier one) until unsubscribed or closed. */
  onEvent(listener: EventListener): () => void {
    if (this.closed) return () => undefined;
    this.off?.();
    const off = (this.off = this.source.route(this.ids, listener));
    return () => {
      if (this.off !== off) return;
      this.off = null;
      off();
    };
  }

  /** Drop the subscription; later requests answer `unreachable`. */
  async close(): Promise<void> {
    this.closed = true;
    this.off?.();
    this.off = null;
  }
}
