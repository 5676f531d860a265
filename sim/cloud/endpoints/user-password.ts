import { byLockId, endpoint, gatewayReady, outcomeOf, type CloudDeps } from '../endpoint.ts';
import { fail, ok } from '../reply.ts';
import { UINT32_MAX } from '../fields.ts';
import type { LockRecord } from '../types.ts';

/** Longest v2 password validity: ten years in seconds (DESIGN §3.3). */
export const MAX_EXPIRE_S = 315_360_000;

/** Draws before giving up; a lock holds ~100 passwords, so one draw almost always does. */
const DRAWS = 1000;

/** A random 6-digit password no other uid of the lock holds (DESIGN §3.3 v2). */
function drawPassword(lock: LockRecord, uid: number, deps: CloudDeps): string {
  const held = new Set([...deps.store.passwordsOf(lock.lockId)].filter(([u]) => u !== uid).map(([, p]) => p));
  for (let i = 0; i < DRAWS; i++) {
    const p = String(deps.rng.int(0, 1_000_000)).padStart(6, '0');
    if (!held.has(p)) return p;
  }
  throw new Error(`no free password on lock ${lock.lockId} after ${DRAWS} draws`);
}

interface PwdGetFields {
  lock_id: number;
  uid: number;
  effective_at: number;
  expire: number;
}

const WRITE_OUTCOMES = { ok: 'ok', unreachable: 'offline', busy: 'busy' } as const;

/**
 * `/third/v2/lock/pwd/get`: window over 357; 355, 362, 360, 365; RPC `pwd_add`. A write that
 * fails (full, error, no ack) is 364 and leaves nothing assigned to the uid; after an ack timeout
 * a compensating `pwd_del` is owed until the lock acks it (compensations.ts, DESIGN §3.3).
 */
export const userPasswordGet = endpoint<PwdGetFields>({
  path: '/third/v2/lock/pwd/get',
  request: { lock_id: { type: 'uint32' }, uid: { type: 'uint32' }, effective_at: { type: 'uint32', min: 0 }, expire: { type: 'uint32', min: 1, max: MAX_EXPIRE_S } },
  // The window end travels as a uint32 to the lock (DESIGN §4 pwd_add).
  refine: (f) => (f.effective_at + f.expire > UINT32_MAX ? { ok: false, desc: 'effective_at + expire must not exceed 4294967295' } : { ok: true, value: f }),
  data: { type: 'object', properties: { password: { type: 'string', pattern: '^[0-9]{6}$' } }, required: ['password'] },
  lockKey: byLockId,
  handle: async ({ fields, lock }, deps) => {
    const end = fields.effective_at + fields.expire;
    if (deps.rules.windowOver(deps.clock.now(), end)) return fail('expired', 'the window effective_at + expire is already over');
    const ready = gatewayReady(lock, deps);
    if (!ready.ok) return ready.reply;
    // This write replaces the uid's password on the lock: a compensation still owed for it is stale (DESIGN §3.3).
    deps.compensations.cancel(lock.lockId, fields.uid);
    const password = drawPassword(lock, fields.uid, deps);
    const args = { uid: fields.uid, password, start: fields.effective_at, end };
    const answer = await deps.rpc.call(ready.apId, lock.lockId, { op: 'pwd_add', args });
    const outcome = outcomeOf(answer, WRITE_OUTCOMES, 'pwd_write_failed');
    if (outcome === 'ok') {
      deps.store.setPassword(lock.lockId, fields.uid, password);
      return ok({ password });
    }
    if (outcome === 'pwd_write_failed') {
      if (deps.rules.keepsFailedWrite()) deps.store.setPassword(lock.lockId, fields.uid, password);
      else deps.store.deletePassword(lock.lockId, fields.uid);
      // The lock may have stored it after all and only the ack got lost: owed until the lock acks a pwd_del.
      if (answer === 'timeout') deps.compensations.add(ready.apId, lock.lockId, fields.uid);
      return fail('pwd_write_failed', answer === 'timeout' ? 'no answer from the lock in time' : `lock answered ${answer.result}`);
    }
    return fail(outcome, outcome === 'busy' ? 'lock is busy' : 'lock is not online');
  },
});

/** `/third/v2/lock/pwd/del`: uid 0 deletes every user password; 355, 362, 360, 365; RPC `pwd_del`. */
export const userPasswordDel = endpoint<{ lock_id: number; uid: number }>({
  path: '/third/v2/lock/pwd/del',
  request: { lock_id: { type: 'uint32' }, uid: { type: 'uint32', min: 0 } },
  data: null,
  lockKey: byLockId,
  handle: async ({ fields, lock }, deps) => {
    const ready = gatewayReady(lock, deps);
    if (!ready.ok) return ready.reply;
    const answer = await deps.rpc.call(ready.apId, lock.lockId, { op: 'pwd_del', args: { uid: fields.uid } });
    const outcome = outcomeOf(answer, WRITE_OUTCOMES, 'pwd_write_failed');
    if (outcome === 'ok') {
      deps.compensations.cancel(lock.lockId, fields.uid);
      deps.store.deletePassword(lock.lockId, fields.uid);
      return ok();
    }
    return fail(outcome, answer === 'timeout' ? 'no answer from the lock in time' : `lock answered ${answer.result}`);
  },
});

const PWD_UNLOCK_OUTCOMES = {
  ok: 'ok', bad_password: 'wrong_password', expired: 'expired', no_time: 'expired', locked_out: 'busy',
  busy: 'busy', unreachable: 'offline',
} as const;

/** `/third/v2/lock/open`: open with a user password; 355, 362, 360, 365; RPC `pwd_unlock`. */
export const userPasswordOpen = endpoint<{ lock_id: number; password: string }>({
  path: '/third/v2/lock/open',
  request: { lock_id: { type: 'uint32' }, password: { type: 'six_digits' } },
  data: null,
  lockKey: byLockId,
  handle: async ({ fields, lock }, deps) => {
    const ready = gatewayReady(lock, deps);
    if (!ready.ok) return ready.reply;
    const answer = await deps.rpc.call(ready.apId, lock.lockId, { op: 'pwd_unlock', args: { password: fields.password } });
    const outcome = outcomeOf(answer, PWD_UNLOCK_OUTCOMES, 'unlock_failed');
    if (outcome === 'ok') return ok();
    return fail(outcome, answer === 'timeout' ? 'no answer from the lock in time' : `lock answered ${answer.result}`);
  },
});
