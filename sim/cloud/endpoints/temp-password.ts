import { SLOT_S, slotOf, slotWindow, tempPassword } from '../../protocol/index.ts';
import { byLockId, endpoint, type CloudDeps } from '../endpoint.ts';
import { fail, ok } from '../reply.ts';
import { fieldsOf, uint32, type FieldResult } from '../fields.ts';

interface PwdGetFields {
  lock_id: number;
  effective_at: number;
  expire: number;
}

/** The UTC+offset calendar day of a unix time. */
function dayOf(unixS: number, tzOffsetMin: number): number {
  return Math.floor((unixS + tzOffsetMin * 60) / 86400);
}

/** `effective_at`: any uint32 (2017-03); a multiple of 300 on the current day (2017-10, DESIGN §3.1). */
function effectiveAt(body: Record<string, unknown>, deps: CloudDeps): FieldResult<number> {
  const r = uint32(body, 'effective_at', 0);
  if (!r.ok || deps.profile !== 'kexin-2017-10') return r;
  const sameDay = dayOf(r.value, deps.tzOffsetMin) === dayOf(deps.clock.now(), deps.tzOffsetMin);
  if (r.value % SLOT_S !== 0 || !sameDay) return { ok: false, desc: 'effective_at must be a multiple of 300 on the current day (UTC+8)' };
  return r;
}

/**
 * `/third/lock/pwd/get` (v1): the HOTP password of the 300 s slot containing `effective_at`
 * (DESIGN §5.2); a window already over is 357. No gateway is involved.
 */
export const tempPasswordGet = endpoint<PwdGetFields>({
  path: '/third/lock/pwd/get',
  fields: (body, deps) => fieldsOf<PwdGetFields>({
    lock_id: () => uint32(body, 'lock_id'),
    effective_at: () => effectiveAt(body, deps),
    expire: () => (body.expire === SLOT_S ? { ok: true, value: SLOT_S } : { ok: false, desc: 'expire must be 300' }),
  }),
  lockKey: byLockId,
  handle: async ({ fields, lock }, deps) => {
    const window = slotWindow(slotOf(fields.effective_at));
    if (deps.rules.windowOver(deps.clock.now(), window.end)) return fail('expired', 'the window of effective_at is already over');
    return ok({ password: tempPassword(lock.secretHex, fields.effective_at) });
  },
});
