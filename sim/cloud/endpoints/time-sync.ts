import { timeSyncKeys } from '../../protocol/index.ts';
import { byLockId, endpoint } from '../endpoint.ts';
import { fail, ok } from '../reply.ts';

/**
 * `/third/lock/time_sync/seq/get` (DESIGN §5.3): the next seq of the lock (strictly increasing
 * from `seq_start`) and the keys carrying floor(W) to the lock; the issue time is remembered.
 */
export const timeSyncSeqGet = endpoint<{ lock_id: number }>({
  path: '/third/lock/time_sync/seq/get',
  request: { lock_id: { type: 'uint32' } },
  data: {
    type: 'object',
    properties: { seq: { type: 'integer', minimum: 0 }, key1: { type: 'integer', minimum: 0 }, key2: { type: 'integer', minimum: 0 } },
    required: ['seq', 'key1', 'key2'],
  },
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

/**
 * `/third/lock/time_sync/result` (DESIGN §3.3): a seq never issued for this lock is 400; reported
 * after its TTL 357; the same state again 200 (idempotent); the other state 400.
 */
export const timeSyncResult = endpoint<ResultFields>({
  path: '/third/lock/time_sync/result',
  request: { lock_id: { type: 'uint32' }, seq: { type: 'uint32' }, state: { type: 'one_of', values: [1, 2] } },
  data: null,
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
