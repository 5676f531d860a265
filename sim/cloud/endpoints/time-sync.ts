import { timeSyncKeys } from '../../protocol/index.ts';
import { byLockId, endpoint } from '../endpoint.ts';
import { fail, ok } from '../reply.ts';
import { fieldsOf, uint32, type FieldResult } from '../fields.ts';

/**
 * `/third/lock/time_sync/seq/get` (DESIGN §5.3): the next seq of the lock (strictly increasing
 * from `seq_start`) and the keys carrying floor(W) to the lock; the issue time is remembered.
 */
export const timeSyncSeqGet = endpoint<{ lock_id: number }>({
  path: '/third/lock/time_sync/seq/get',
  fields: (body) => fieldsOf<{ lock_id: number }>({ lock_id: () => uint32(body, 'lock_id') }),
  lockKey: byLockId,
  handle: async ({ lock }, deps) => {
    const w = deps.clock.now();
    const seq = deps.store.issueSeq(lock, w);
    const { key1, key2 } = timeSyncKeys(lock.secretHex, lock.lockId, seq, Math.floor(w));
    return ok({ seq, key1, key2 });
  },
});

interface ResultFields {
  lock_id: number;
  seq: number;
  state: 1 | 2;
}

function syncState(body: Record<string, unknown>): FieldResult<1 | 2> {
  const v = body.state;
  return v === 1 || v === 2 ? { ok: true, value: v } : { ok: false, desc: 'state must be 1 (ok) or 2 (failed)' };
}

/**
 * `/third/lock/time_sync/result` (DESIGN §3.3): a seq never issued for this lock is 400; reported
 * after its TTL 357; the same state again 200 (idempotent); the other state 400.
 */
export const timeSyncResult = endpoint<ResultFields>({
  path: '/third/lock/time_sync/result',
  fields: (body) => fieldsOf<ResultFields>({
    lock_id: () => uint32(body, 'lock_id'),
    seq: () => uint32(body, 'seq'),
    state: () => syncState(body),
  }),
  lockKey: byLockId,
  handle: async ({ fields, lock }, deps) => {
    const rec = deps.store.issuedSeq(lock, fields.seq);
    if (rec === undefined) return fail('bad_params', 'seq was never issued for this lock');
    if (rec === 'forgotten' || deps.clock.now() >= rec.issuedAt + deps.timeSyncTtlS) return fail('expired', 'seq has expired');
    if (rec.state === null) rec.state = fields.state;
    else if (rec.state !== fields.state) return fail('bad_params', `state of seq was already reported as ${rec.state}`);
    return ok();
  },
});
