import { SLOT_S, slotOf, slotWindow, tempPassword } from '../../protocol/index.ts';
import { byLockId, endpoint, type CloudDeps } from '../endpoint.ts';
import { fail, ok } from '../reply.ts';
import type { FieldResult } from '../fields.ts';

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
function effectiveAt(fields: PwdGetFields, deps: CloudDeps): FieldResult<PwdGetFields> {
  if (deps.profile !== 'kexin-2017-10') return { ok: true, value: fields };
  const sameDay = dayOf(fields.effective_at, deps.tzOffsetMin) === dayOf(deps.clock.now(), deps.tzOffsetMin);
  if (fields.effective_at % SLOT_S !== 0 || !sameDay) return { ok: false, desc: 'effective_at must be a multiple of 300 on the current day (UTC+8)' };
  return { ok: true, value: fields };
}

/**
 * `/third/lock/pwd/get` (v1): the HOTP password of the 300 s slot containing `effective_at`
 * (DESIGN §5.2); a window already over is 357. No gateway is involved.
 */
export const tempPasswordGet = endpoint<PwdGetFields>({
  path: '/third/lock/pwd/get',
  request: { lock_id: { type: 'uint32' }, effective_at: { type: 'uint32', min: 0 }, expire: { type: 'one_of', values: [SLOT_S] } },
  refine: effectiveAt,
  data: { type: 'object', properties: { password: { type: 'string', pattern: '^[0-9]{6}$' } }, required: ['password'] },
  lockKey: byLockId,
  handle: async ({ fields, lock }, deps) => {
    const window = slotWindow(slotOf(fields.effective_at));
    if (deps.rules.windowOver(deps.clock.now(), window.end)) return fail('expired', 'the window of effective_at is already over');
    return ok({ password: tempPassword(lock.secretHex, fields.effective_at) });
  },
});
