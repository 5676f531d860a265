import { hotp6, safeEqual, slotOf } from '../protocol/index.ts';
import type { StoredPassword } from './types.ts';

/** User passwords written by `pwd_add` (DESIGN §3.3 v2), at most `capacity` uids. */
export class PasswordStore {
  private readonly byUid = new Map<number, StoredPassword>();

  constructor(private readonly capacity: number) {}

  /** Store or replace the password of `p.uid`; a new uid beyond capacity is `full`. */
  add(p: StoredPassword): 'ok' | 'full' {
    if (!this.byUid.has(p.uid) && this.byUid.size >= this.capacity) return 'full';
    this.byUid.set(p.uid, { ...p });
    return 'ok';
  }

  /** Delete one uid, or every password for uid 0; an unknown uid is not an error. */
  del(uid: number): void {
    if (uid === 0) this.byUid.clear();
    else this.byUid.delete(uid);
  }

  /** Stored passwords ordered by uid (copies). */
  list(): StoredPassword[] {
    return [...this.byUid.values()].sort((a, b) => a.uid - b.uid).map((p) => ({ ...p }));
  }

  /** The stored password equal to `password`, compared in constant time against every entry. */
  find(password: string): StoredPassword | undefined {
    let found: StoredPassword | undefined;
    for (const p of this.byUid.values()) {
      if (safeEqual(p.password, password) && found === undefined) found = p;
    }
    return found;
  }
}

/** Acceptance rules of one lock, from its spec and defects. */
export interface AcceptRules {
  secretHex: string;
  tolerance: { behind: number; ahead: number };
  /** Defect `lock-slot-end-inclusive`: a code also opens during the first second after its window. */
  slotEndInclusive: boolean;
  /** Defect `lock-user-window-inclusive`: a user password also opens at L == end. */
  userEndInclusive: boolean;
  /** Defect `lock-user-window-ignored`: a user password opens at any time, before or after its window. */
  userWindowIgnored?: boolean;
}

/**
 * Whether `code` is the temporary password of a slot the lock accepts at integer lock time t:
 * slot n with floor(t/300) − behind ≤ n ≤ floor(t/300) + ahead (DESIGN §5.2).
 */
export function matchesTempCode(code: string, t: number, rules: AcceptRules): boolean {
  const { behind, ahead } = rules.tolerance;
  // With the defect, the slots accepted one second ago are still accepted: [start, end] instead of [start, end).
  const first = slotOf(rules.slotEndInclusive ? t - 1 : t) - behind;
  const last = slotOf(t) + ahead;
  let ok = false;
  for (let n = Math.max(0, first); n <= last; n++) {
    if (safeEqual(hotp6(rules.secretHex, n), code)) ok = true;
  }
  return ok;
}

/** The verdict of steps 2–5 of a password check (the lockout step is the caller's). */
export type PasswordVerdict =
  | { ok: true; uid: number }
  | { ok: false; result: 'no_time' | 'expired' | 'bad_password'; uid: number };

/**
 * Check a password typed on the keypad or sent with `pwd_unlock` at integer lock time t:
 * untrusted clock → no_time; a temporary code of an accepted slot → ok (uid 0); a user password
 * inside `[start, end)` → ok with its uid, outside → expired; anything else → bad_password.
 */
export function checkPassword(
  password: string,
  t: number,
  trusted: boolean,
  store: PasswordStore,
  rules: AcceptRules,
): PasswordVerdict {
  // DESIGN §2: after a reset every password is time-bound, so every one is refused.
  if (!trusted) return { ok: false, result: 'no_time', uid: 0 };
  if (matchesTempCode(password, t, rules)) return { ok: true, uid: 0 };
  const user = store.find(password);
  if (user === undefined) return { ok: false, result: 'bad_password', uid: 0 };
  const beforeEnd = rules.userEndInclusive ? t <= user.end : t < user.end;
  if ((t >= user.start && beforeEnd) || rules.userWindowIgnored) return { ok: true, uid: user.uid };
  return { ok: false, result: 'expired', uid: user.uid };
}
