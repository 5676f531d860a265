import { hotp6, safeEqual, slotOf } from '../protocol/index.ts';
import type { StoredPassword } from './types.ts';

/**
 * User passwords written by `pwd_add` (DESIGN §3.3 v2), at most `capacity` uids. The map is made at
 * the first password: an empty Map is a few hundred bytes, and most locks of a fleet hold none (DESIGN §13).
 */
export class PasswordStore {
  private byUid: Map<number, StoredPassword> | null = null;

  constructor(private readonly capacity: number) {}

  /** Store or replace the password of `p.uid`; a new uid beyond capacity is `full`. */
  add(p: StoredPassword): 'ok' | 'full' {
    const byUid = (this.byUid ??= new Map());
    if (!byUid.has(p.uid) && byUid.size >= this.capacity) return 'full';
    byUid.set(p.uid, { ...p });
    return 'ok';
  }

  /** Delete one uid, or every password for uid 0; an unknown uid is not an error. */
  del(uid: number): void {
    if (uid === 0) this.byUid = null;
    else this.byUid?.delete(uid);
  }

  /** Stored passwords ordered by uid (copies). */
  list(): StoredPassword[] {
    return [...(this.byUid?.values() ?? [])].sort((a, b) => a.uid - b.uid).map((p) => ({ ...p }));
  }

  /** The stored password equal to `password`, compared in constant time against every entry. */
  find(password: string): StoredPassword | undefined {
    let found: StoredPassword | undefined;
    for (const p of this.byUid?.values() ?? []) {
      if (safeEqual(p.password, password) && found === undefined) found = p;
    }
    return found;
  }
}

/** The slots a lock accepts at one lock time, inclusive at both ends (DESIGN §5.2). */
export interface SlotRange {
  first: number;
  last: number;
}

/** The verdict of steps 2–5 of a password check (the lockout step is the caller's). */
export type PasswordVerdict =
  | { ok: true; uid: number }
  | { ok: false; result: 'no_time' | 'expired' | 'bad_password'; uid: number };

/**
 * How one lock accepts passwords at integer lock time t (DESIGN §5.2). Each method is one contract
 * step; a seeded defect wraps a step (`sim/lock/seeded.ts`), so the rules carry no defect flags.
 */
export class Acceptance {
  constructor(private readonly secretHex: string, private readonly spec: { behind: number; ahead: number }) {}

  /** The behind/ahead tolerance in slots, from the lock's spec. */
  tolerance(): { behind: number; ahead: number } {
    return this.spec;
  }

  /** Slot n is accepted at t when floor(t/300) − behind ≤ n ≤ floor(t/300) + ahead. */
  slots(t: number): SlotRange {
    const { behind, ahead } = this.tolerance();
    const n = slotOf(t);
    return { first: n - behind, last: n + ahead };
  }

  /** Whether `code` is the temporary password of a slot accepted at t (every slot compared, in constant time). */
  matchesTempCode(code: string, t: number): boolean {
    const { first, last } = this.slots(t);
    let ok = false;
    for (let n = Math.max(0, first); n <= last; n++) {
      if (safeEqual(hotp6(this.secretHex, n), code)) ok = true;
    }
    return ok;
  }

  /** Whether t is inside a user password's window `[start, end)` (DESIGN §3.3 v2). */
  inWindow(user: StoredPassword, t: number): boolean {
    return t >= user.start && t < user.end;
  }

  /**
   * Check a password typed on the keypad or sent with `pwd_unlock`: untrusted clock → no_time; a
   * temporary code of an accepted slot → ok (uid 0); a user password inside its window → ok with
   * its uid, outside → expired; anything else → bad_password.
   */
  check(password: string, t: number, trusted: boolean, store: PasswordStore): PasswordVerdict {
    // DESIGN §2: after a reset every password is time-bound, so every one is refused.
    if (!trusted) return { ok: false, result: 'no_time', uid: 0 };
    if (this.matchesTempCode(password, t)) return { ok: true, uid: 0 };
    const user = store.find(password);
    if (user === undefined) return { ok: false, result: 'bad_password', uid: 0 };
    if (this.inWindow(user, t)) return { ok: true, uid: user.uid };
    return { ok: false, result: 'expired', uid: user.uid };
  }
}
