import { LockRegistry } from '../cloud/lock-registry.ts';
import type { ApIndex } from './ap-index.ts';
import type { FixtureLock } from './fixture.ts';

/** The cloud's lock records of fixture locks (DESIGN §3.3 lock detail), each behind the gateway `apOf` says (none: no AP). */
export function cloudLocksOf(locks: readonly FixtureLock[], apOf: ApIndex): LockRegistry {
  return LockRegistry.of(locks.length, (i) => {
    const l = locks[i]!;
    return {
      lockId: l.lock_id, mac: l.mac, secretHex: l.secret_hex, corpId: l.corp_id, name: l.name, descr: l.descr,
      master: l.master, deviceVer: l.device_ver, firmwareVer: l.firmware_ver, isInit: l.is_init, isBind: l.is_bind,
      isDel: l.is_del, initAt: l.init_at, bindAt: l.bind_at, seqStart: l.seq_start,
      members: l.members.map((m) => ({ uid: m.uid, name: m.name, idNum: m.id_num, faceSha256: m.face_sha256 })),
      apId: apOf.get(l.lock_id) ?? null,
    };
  });
}
