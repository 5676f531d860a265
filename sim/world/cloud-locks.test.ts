import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApIndex } from './ap-index.ts';
import { cloudLocksOf } from './cloud-locks.ts';
import { DEFAULT_FIXTURE_PATH, loadFixture } from './load.ts';

// The package fixture is hand-written with odd values (members, names, locks behind no gateway): the
// cloud's registry must answer each lock exactly as the fixture says it (DESIGN §3.3 lock detail).
test('cloudLocksOf: every lock of the package fixture as the fixture has it, behind its gateway', async () => {
  const f = await loadFixture(DEFAULT_FIXTURE_PATH);
  const apOf = new ApIndex();
  apOf.fill(f.gateways);
  const registry = cloudLocksOf(f.locks, apOf);
  assert.ok(f.locks.some((l) => l.members.length > 0) && f.locks.some((l) => apOf.get(l.lock_id) === undefined), 'the fixture has members and a lock with no AP');
  for (const l of f.locks) {
    const r = registry.byMac(l.mac.toUpperCase());
    assert.deepStrictEqual(registry.byId(l.lock_id), r);
    assert.deepStrictEqual(r, {
      lockId: l.lock_id, mac: l.mac, secretHex: l.secret_hex, corpId: l.corp_id, name: l.name, descr: l.descr, master: l.master,
      deviceVer: l.device_ver, firmwareVer: l.firmware_ver, isInit: l.is_init, isBind: l.is_bind, isDel: l.is_del, initAt: l.init_at,
      bindAt: l.bind_at, seqStart: l.seq_start, apId: apOf.get(l.lock_id) ?? null,
      members: l.members.map((m) => ({ uid: m.uid, name: m.name, idNum: m.id_num, faceSha256: m.face_sha256 })),
    }, `lock ${l.lock_id}`);
  }
});
