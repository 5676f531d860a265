import { wireOf, type ProfileName } from '../../../sim/protocol/index.ts';
import { postSigned, type SignedPostTarget } from '../../client/signed.ts';
import type { WireEntry } from '../../client/wire-log.ts';
import type { LockoutPolicy } from './facets.ts';
import { waitOutLockout } from './lockout-wait.ts';

/** The uid the harness borrows to settle a lock; tests use small uids. */
const SETTLE_UID = 4_294_967_000;

/** Whether a test's traffic refused a password on the lock: a 326/357/365 from `v2/lock/open` counts toward a lockout (DESIGN §5.4). */
export function leftWrongCodes(entries: readonly WireEntry[]): boolean {
  return entries.some((e) => e.kind === 'http' && e.summary.includes('/third/v2/lock/open ') && !/ code 200\b/.test(e.summary));
}

/**
 * Settle a lock reached through the API only (the remote target; DESIGN §11's "through its public ops"):
 * wrong codes an earlier test left would add up to a keypad lockout in a later one. A good user password
 * resets the count; a lockout in force (365) is waited out, bounded by the lock's `lockout.seconds`; the
 * borrowed uid is deleted again. Fails loudly, naming what was left.
 */
export async function clearWrongCodes(
  to: SignedPostTarget, profile: ProfileName, lockId: number, lockout: LockoutPolicy,
  /** Told before a lockout in force is waited out, with the bound in seconds (the caller makes room for it). */
  onLockedOut: (boundS: number) => void = () => undefined,
): Promise<void> {
  const code = (o: Parameters<typeof wireOf>[1]) => wireOf(profile, o).code;
  const call = async (path: string, fields: Record<string, unknown>) => {
    const { envelope, text } = await postSigned<{ password?: string }>(to, path, { lock_id: lockId, ...fields });
    if (!envelope) throw new Error(`settling lock ${lockId}: ${path} answered no envelope: ${text.slice(0, 200)}`);
    return envelope;
  };
  const now = Math.floor(await to.now());
  const issued = await call('/third/v2/lock/pwd/get', { uid: SETTLE_UID, effective_at: now - 60, expire: lockout.seconds + 600 });
  if (issued.code !== code('ok') || !issued.data?.password) throw new Error(`settling lock ${lockId}: v2/lock/pwd/get answered ${issued.code}; wrong codes of the last test are still counted`);
  const open = () => call('/third/v2/lock/open', { password: issued.data!.password });
  const first = await open();
  const boundS = lockout.seconds + 5;
  if (first.code === code('busy')) onLockedOut(boundS);
  const opened = await waitOutLockout(first, open, (e) => e.code === code('busy'), boundS);
  if (opened.code !== code('ok')) {
    throw new Error(`settling lock ${lockId}: a good user password answered ${opened.code} (${opened.desc}); the keypad lockout of the last test is still in force after ${lockout.seconds} s`);
  }
  const deleted = await call('/third/v2/lock/pwd/del', { uid: SETTLE_UID });
  if (deleted.code !== code('ok')) throw new Error(`settling lock ${lockId}: v2/lock/pwd/del of the settling uid answered ${deleted.code}`);
}
