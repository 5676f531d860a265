import { byLockId, endpoint } from '../endpoint.ts';
import { ok } from '../reply.ts';
import { fieldsOf, mac, uint32 } from '../fields.ts';
import type { LockRecord } from '../types.ts';

/** The later of two RFC 3339 times, as stored (DESIGN §3.3 `updated_at`). */
function later(a: string, b: string): string {
  return Date.parse(b) > Date.parse(a) ? b : a;
}

/** The lock detail of DESIGN §3.3, field for field. */
export function lockDetail(lock: LockRecord): Record<string, unknown> {
  return {
    lock_id: lock.lockId,
    mac: lock.mac.toLowerCase(),
    master: { name: lock.master.name, tel: lock.master.tel },
    name: lock.name,
    descr: lock.descr,
    corp_id: lock.corpId,
    device_ver: lock.deviceVer,
    firmware_ver: lock.firmwareVer,
    is_init: lock.isInit,
    is_bind: lock.isBind,
    init_at: lock.initAt,
    bind_at: lock.bindAt,
    updated_at: later(lock.initAt, lock.bindAt),
    state: 0,
    is_del: lock.isDel,
  };
}

/** `/third/lock/get`: the detail of one lock. */
export const lockGet = endpoint<{ lock_id: number }>({
  path: '/third/lock/get',
  fields: (body) => fieldsOf<{ lock_id: number }>({ lock_id: () => uint32(body, 'lock_id') }),
  lockKey: byLockId,
  handle: async ({ lock }) => ok(lockDetail(lock)),
});

/** `/third/lock/by_mac/get`: the detail of the lock with a MAC (any case). */
export const lockByMacGet = endpoint<{ mac: string }>({
  path: '/third/lock/by_mac/get',
  fields: (body) => fieldsOf<{ mac: string }>({ mac: () => mac(body, 'mac') }),
  lockKey: (f) => ({ mac: f.mac }),
  handle: async ({ lock }) => ok(lockDetail(lock)),
});
