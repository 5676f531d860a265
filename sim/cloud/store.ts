import { UINT32_MAX } from '../protocol/index.ts';
import type { AppRecord, LockLookup, LockRecord } from './types.ts';
import { LockRegistry } from './lock-registry.ts';

/** The last flags a lock reported (events and `state` acks); false until told otherwise. */
export interface LastKnown {
  is_abnormal: boolean;
  low_voltage: boolean;
  reachable: boolean;
}

/** A time-sync seq the cloud issued (DESIGN §5.3) and the state reported for it, if any. */
export interface IssuedSeq {
  issuedAt: number;
  state: 1 | 2 | null;
}

/** How many issued seqs per lock are remembered; older ones count as expired. */
const ISSUED_KEPT = 1024;

/**
 * The cloud's registry and memory: apps, locks, time-sync seqs, v2 user passwords and the last
 * known flags of each lock. Pure state: no I/O, no clock reads (world time is passed in).
 */
export class CloudStore {
  private readonly apps = new Map<string, AppRecord>();
  private readonly locks: LockLookup;
  private readonly nextSeq = new Map<number, number>();
  private readonly issued = new Map<number, Map<number, IssuedSeq>>();
  private readonly passwords = new Map<number, Map<number, string>>();
  private readonly flags = new Map<number, LastKnown>();

  /** `locks`: the records, or their registry made already (a fleet's, made in the cloud's loader thread). */
  constructor(apps: readonly AppRecord[], locks: readonly LockRecord[] | LockLookup) {
    for (const a of apps) this.apps.set(a.appId, a);
    this.locks = 'byId' in locks ? locks : new LockRegistry(locks);
  }

  /** Forget seqs, user passwords and flags: the registry as created (a world reset between tests). */
  reset(): void {
    for (const m of [this.nextSeq, this.issued, this.passwords, this.flags]) m.clear();
  }

  /** The app with this id, if registered. */
  app(appId: string): AppRecord | undefined {
    return this.apps.get(appId);
  }

  /** The lock with this id, deleted or not. */
  lock(lockId: number): LockRecord | undefined {
    return this.locks.byId(lockId);
  }

  /** The lock with this MAC (any case), deleted or not. */
  lockByMac(mac: string): LockRecord | undefined {
    return this.locks.byMac(mac);
  }

  /** Apps whose corp_ids cover the lock (DESIGN §3.4 push targets). */
  appsForLock(lock: LockRecord): AppRecord[] {
    return [...this.apps.values()].filter((a) => a.corpIds.includes(lock.corpId));
  }

  /** Apps that may use some lock behind this gateway (DESIGN §3.4 type 1 targets). */
  appsForGateway(apId: number): AppRecord[] {
    const corps = this.locks.corpsOf(apId);
    if (corps.size === 0) return [];
    return [...this.apps.values()].filter((a) => a.corpIds.some((c) => corps.has(c)));
  }

  /** The seq the next time sync of a lock gets (DESIGN §5.3: each above every one issued before). */
  nextSeqOf(lock: LockRecord): number {
    return this.nextSeq.get(lock.lockId) ?? lock.seqStart;
  }

  /** Issue the next time-sync seq of a lock at world time w. */
  issueSeq(lock: LockRecord, w: number): number {
    const seq = this.nextSeqOf(lock);
    if (seq > UINT32_MAX) throw new RangeError(`time-sync seq of lock ${lock.lockId} exhausted`);
    this.nextSeq.set(lock.lockId, Math.max(seq + 1, this.nextSeq.get(lock.lockId) ?? 0));
    let m = this.issued.get(lock.lockId);
    if (!m) this.issued.set(lock.lockId, (m = new Map()));
    m.delete(seq);
    m.set(seq, { issuedAt: w, state: null });
    if (m.size > ISSUED_KEPT) m.delete(m.keys().next().value as number);
    return seq;
  }

  /** What the cloud remembers of a seq: its record, `forgotten` (issued long ago) or undefined (never issued). */
  issuedSeq(lock: LockRecord, seq: number): IssuedSeq | 'forgotten' | undefined {
    const rec = this.issued.get(lock.lockId)?.get(seq);
    if (rec) return rec;
    const next = this.nextSeq.get(lock.lockId);
    if (next !== undefined && seq >= lock.seqStart && seq < next) return 'forgotten';
    return undefined;
  }

  /** The v2 user passwords the cloud has assigned on a lock, uid → password. */
  passwordsOf(lockId: number): ReadonlyMap<number, string> {
    return this.passwords.get(lockId) ?? new Map();
  }

  /** Assign (or replace) a uid's v2 password. */
  setPassword(lockId: number, uid: number, password: string): void {
    let m = this.passwords.get(lockId);
    if (!m) this.passwords.set(lockId, (m = new Map()));
    m.set(uid, password);
  }

  /** Forget a uid's v2 password; uid 0 forgets every one of the lock (DESIGN §3.3). */
  deletePassword(lockId: number, uid: number): void {
    if (uid === 0) this.passwords.delete(lockId);
    else this.passwords.get(lockId)?.delete(uid);
  }

  /** The last known flags of a lock. */
  lastKnown(lockId: number): LastKnown {
    return { ...(this.flags.get(lockId) ?? { is_abnormal: false, low_voltage: false, reachable: true }) };
  }

  /** Update some of the last known flags of a lock. */
  updateLastKnown(lockId: number, patch: Partial<LastKnown>): void {
    this.flags.set(lockId, { ...this.lastKnown(lockId), ...patch });
  }
}
