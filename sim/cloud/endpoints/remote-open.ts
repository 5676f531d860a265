import type { Outcome } from '../../protocol/index.ts';
import { byLockId, endpoint, gatewayReady, outcomeOf, type CloudDeps } from '../endpoint.ts';
import { fail, ok, type Reply } from '../reply.ts';
import type { LockRecord } from '../types.ts';

const UNLOCK_OUTCOMES = { ok: 'ok', unreachable: 'offline', busy: 'busy' } as const;

/**
 * Open a lock through its gateway (DESIGN §3.3 open): 355, 362, 360, 365, then RPC `unlock`;
 * ok 200, unreachable 360, busy 365; jammed, low battery, error or no ack in time 359.
 */
export async function openThroughGateway(lock: LockRecord, uid: number | undefined, deps: CloudDeps): Promise<Reply> {
  const ready = gatewayReady(lock, deps);
  if (!ready.ok) return ready.reply;
  const answer = await deps.rpc.call(ready.apId, lock.lockId, { op: 'unlock', args: uid === undefined ? {} : { uid } });
  const outcome: Outcome = outcomeOf(answer, UNLOCK_OUTCOMES, 'unlock_failed');
  if (outcome === 'ok') return ok();
  const why = answer === 'timeout' ? 'no answer from the lock in time' : `lock answered ${answer.result}`;
  return fail(outcome, `unlock failed: ${why}`);
}

/** `/third/lock/open`: a network unlock. */
export const lockOpen = endpoint<{ lock_id: number; attach: string }>({
  path: '/third/lock/open',
  request: { lock_id: { type: 'uint32' }, attach: { type: 'text' } },
  data: null,
  lockKey: byLockId,
  handle: ({ lock }, deps) => openThroughGateway(lock, undefined, deps),
});

function stateReply(lockId: number, online: boolean, deps: CloudDeps): Reply {
  const k = deps.store.lastKnown(lockId);
  return ok({ lock_id: lockId, online, is_abnormal: k.is_abnormal, low_voltage: k.low_voltage });
}

/**
 * `/third/lock/state/get` (DESIGN §3.3): 362; an offline gateway answers `online:false` with the
 * last known flags; else RPC `state` — ok refreshes the flags, unreachable or no ack is offline.
 */
export const lockStateGet = endpoint<{ lock_id: number }>({
  path: '/third/lock/state/get',
  request: { lock_id: { type: 'uint32' } },
  data: {
    type: 'object',
    properties: { lock_id: { type: 'integer' }, online: { type: 'boolean' }, is_abnormal: { type: 'boolean' }, low_voltage: { type: 'boolean' } },
    required: ['lock_id', 'online', 'is_abnormal', 'low_voltage'],
  },
  lockKey: byLockId,
  handle: async ({ lock }, deps) => {
    if (lock.apId === null) return deps.rules.noGateway();
    if (!deps.rpc.online(lock.apId)) return stateReply(lock.lockId, false, deps);
    const answer = await deps.rpc.call(lock.apId, lock.lockId, { op: 'state', args: {} });
    if (answer === 'timeout' || answer.result === 'unreachable') return stateReply(lock.lockId, false, deps);
    const { is_abnormal, low_voltage } = answer.data;
    if (answer.result === 'ok' && typeof is_abnormal === 'boolean' && typeof low_voltage === 'boolean') {
      deps.store.updateLastKnown(lock.lockId, { is_abnormal, low_voltage, reachable: true });
      deps.events.onLockState(lock.lockId, low_voltage);
    }
    // Any other answer (busy, a malformed ok) still proves the lock is on the air.
    return stateReply(lock.lockId, true, deps);
  },
});
