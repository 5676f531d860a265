import { byLockId, endpoint } from '../endpoint.ts';
import { ok } from '../reply.ts';
import type { JsonSchema } from '../field-table.ts';
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

const str = { type: 'string' };
const bool = { type: 'boolean' };
const int = { type: 'integer' };

/** The JSON Schema of lockDetail's answer (DESIGN §3.3). */
export const LOCK_DETAIL_SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    lock_id: int, mac: str, master: { type: 'object', properties: { name: str, tel: str }, required: ['name', 'tel'] }, name: str, descr: str,
    corp_id: int, device_ver: str, firmware_ver: str, is_init: bool, is_bind: bool, init_at: str, bind_at: str, updated_at: str, state: int, is_del: bool,
  },
  required: ['lock_id', 'mac', 'master', 'name', 'descr', 'corp_id', 'device_ver', 'firmware_ver', 'is_init', 'is_bind', 'init_at', 'bind_at', 'updated_at', 'state', 'is_del'],
};

/** `/third/lock/get`: the detail of one lock. */
export const lockGet = endpoint<{ lock_id: number }>({
  path: '/third/lock/get',
  request: { lock_id: { type: 'uint32' } },
  data: LOCK_DETAIL_SCHEMA,
  lockKey: byLockId,
  handle: async ({ lock }) => ok(lockDetail(lock)),
});

/** `/third/lock/by_mac/get`: the detail of the lock with a MAC (any case). */
export const lockByMacGet = endpoint<{ mac: string }>({
  path: '/third/lock/by_mac/get',
  request: { mac: { type: 'mac' } },
  data: LOCK_DETAIL_SCHEMA,
  lockKey: (f) => ({ mac: f.mac }),
  handle: async ({ lock }) => ok(lockDetail(lock)),
});
