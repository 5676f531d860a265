import type { LockOp } from '../protocol/index.ts';
import type { LockAnswer, LockFirmware } from '../lock/types.ts';
import type { EventListener, LockLink } from './link.ts';
import type { FaultDice } from '../random.ts';

/**
 * The in-process radio between a virtual gateway and a virtual lock (DESIGN §1 `sim/gateway`): a
 * request reaches the lock only while it is reachable (powered, radio not cut), else `unreachable`.
 */
export class RadioLink implements LockLink {
  readonly lockId: number;
  /**
   * The lock's unsubscribe function of each subscription, so `close` can drop them. An array and
   * unnamed closures: a fleet holds one link per lock, and named closures cost ~300 B each under tsx.
   */
  private offs: (() => void)[] | null = null;
  private closed = false;

  /**
   * `lossesOf`: the loss rate's dice of a lock, if it has one (a world's control API `loss_rate`); one
   * function shared by every link of a world, so a fleet of links holds no dice it never rolls.
   */
  constructor(private readonly lock: LockFirmware, private readonly lossesOf?: (lockId: number) => FaultDice | undefined) {
    this.lockId = lock.lockId;
  }

  /** Execute `op` on the lock; the radio answers at once, so `timeoutMs` never elapses. A drawn loss is `unreachable`. */
  async request(op: LockOp, _timeoutMs: number): Promise<LockAnswer> {
    if (this.closed || !this.lock.reachable || this.lossesOf?.(this.lockId)?.hit()) return { result: 'unreachable', data: {} };
    return this.lock.execute(op);
  }

  /** Forward the lock's own events until unsubscribed or the link is closed (no flow control: the answer is ignored). */
  onEvent(listener: EventListener): () => void {
    if (this.closed) return neverSubscribed;
    const off = this.lock.onEvent(listener);
    // A literal, not push on an empty array (which reserves 17 slots): one subscription per link is the rule.
    if (this.offs) this.offs.push(off);
    else this.offs = [off];
    return () => this.drop(off);
  }

  /** Drop every event subscription; later requests answer `unreachable`. */
  async close(): Promise<void> {
    this.closed = true;
    for (const off of [...(this.offs ?? [])]) this.drop(off);
  }

  /** Unsubscribe `off` once: a second call (or one after `close`) does nothing. */
  private drop(off: () => void): void {
    const i = this.offs?.indexOf(off) ?? -1;
    if (i < 0) return;
    this.offs!.splice(i, 1);
    off();
  }
}

/** The unsubscribe function of a subscription never made (the link was closed). */
function neverSubscribed(): void {}
