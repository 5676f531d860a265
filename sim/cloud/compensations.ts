import type { GatewayLink } from './gateway-rpc.ts';
import type { CloudStats } from './stats.ts';

/** Bounds of the compensating `pwd_del` retries (DESIGN §3.3). */
export interface CompensationOptions {
  /** Attempts per compensation before it is given up (counted). Default 6. */
  maxTries: number;
  /** Real-time ms before the first retry, doubled per retry; a gateway coming online retries at once. Default 1000. */
  retryMs: number;
}

export const DEFAULT_COMPENSATION: CompensationOptions = { maxTries: 6, retryMs: 1000 };

interface Pending {
  apId: number;
  lockId: number;
  uid: number;
  tries: number;
  timer: NodeJS.Timeout | null;
  running: boolean;
}

/**
 * The compensating `pwd_del`s owed after a 364 by ack timeout (DESIGN §3.3): the lock may have
 * stored the password and only the ack got lost, and a password the cloud no longer knows would
 * still open the door. Each is kept until the lock acks it — retried after a back-off and when the
 * gateway comes online again, bounded — and dropped when its uid is assigned or deleted meanwhile.
 */
export class Compensations {
  private readonly pending = new Map<string, Pending>();
  private closed = false;

  constructor(private readonly rpc: GatewayLink, private readonly stats: CloudStats, private readonly opts: CompensationOptions = DEFAULT_COMPENSATION) {}

  /** How many are still owed. */
  get size(): number {
    return this.pending.size;
  }

  /** Owe a `pwd_del` of `uid` on a lock behind `apId`, and send the first one now. */
  add(apId: number, lockId: number, uid: number): void {
    this.cancel(lockId, uid);
    const p: Pending = { apId, lockId, uid, tries: 0, timer: null, running: false };
    this.pending.set(key(lockId, uid), p);
    void this.attempt(p);
  }

  /** The uid was assigned again or deleted (uid 0: every uid of the lock): its compensation is stale. */
  cancel(lockId: number, uid: number): void {
    for (const [k, p] of this.pending) {
      if (p.lockId !== lockId || (uid !== 0 && p.uid !== uid)) continue;
      if (p.timer) clearTimeout(p.timer);
      this.pending.delete(k);
    }
  }

  /** A gateway came online: retry what is owed behind it now. */
  onOnline(apId: number): void {
    for (const p of this.pending.values()) {
      if (p.apId !== apId || p.running) continue;
      if (p.timer) clearTimeout(p.timer);
      p.timer = null;
      void this.attempt(p);
    }
  }

  /** Forget everything owed (a world reset: the locks are reset too). */
  clear(): void {
    for (const p of this.pending.values()) if (p.timer) clearTimeout(p.timer);
    this.pending.clear();
  }

  close(): void {
    this.closed = true;
    this.clear();
  }

  private async attempt(p: Pending): Promise<void> {
    if (this.closed || this.pending.get(key(p.lockId, p.uid)) !== p) return;
    // Offline: wait for the gateway's return (onOnline) or the back-off, without spending a try.
    if (!this.rpc.online(p.apId)) return this.schedule(p, false);
    p.running = true;
    p.tries++;
    this.stats.compensationsSent++;
    // Not the lock's command in flight: a compensation never makes the API answer 365 (TEST-PLAN V2-04).
    const answer = await this.rpc.call(p.apId, p.lockId, { op: 'pwd_del', args: { uid: p.uid } }, { holdsLock: false });
    p.running = false;
    if (this.pending.get(key(p.lockId, p.uid)) !== p) return;
    if (answer !== 'timeout' && answer.result === 'ok') {
      this.pending.delete(key(p.lockId, p.uid));
      return;
    }
    this.schedule(p, true);
  }

  private schedule(p: Pending, afterTry: boolean): void {
    if (afterTry && p.tries >= this.opts.maxTries) {
      this.pending.delete(key(p.lockId, p.uid));
      this.stats.compensationsGivenUp++;
      return;
    }
    if (this.closed) return;
    p.timer = setTimeout(() => {
      p.timer = null;
      void this.attempt(p);
    }, this.opts.retryMs * 2 ** Math.max(0, p.tries - 1));
    p.timer.unref();
  }
}

const key = (lockId: number, uid: number): string => `${lockId}/${uid}`;
