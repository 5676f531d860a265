import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UINT32_MAX } from '../protocol/index.ts';
import { LockRegistry } from './lock-registry.ts';
import type { LockRecord } from './types.ts';

const hex = (i: number, width: number): string => i.toString(16).padStart(width, '0');

/** A record as a generated fleet has it: lower-case hex, the fixture's defaults. */
function plain(i: number, apId: number | null = 1 + (i % 7)): LockRecord {
  return {
    lockId: 10_000_001 + i, mac: `72:00:00:00:${hex(i >> 8, 2)}:${hex(i & 0xff, 2)}`, secretHex: hex(i * 2654435761, 32), corpId: 0,
    name: '', descr: '', master: { name: 'xiao ming', tel: '13591951888' }, deviceVer: 'ver', firmwareVer: '1.0.0',
    isInit: true, isBind: true, isDel: false, initAt: '2016-09-26T15:23:35+08:00', bindAt: '2016-09-08T15:20:03+08:00',
    seqStart: 1, members: [], apId,
  };
}

/** A mixed fleet: plain rows (given in descending id) and every kind of odd one a hand-written fixture has. */
function mixedFleet(): LockRecord[] {
  const odd: LockRecord[] = [
    { ...plain(1000), name: '前门 "front"', descr: 'line\nbreak', master: { name: '', tel: '+86 1' }, corpId: 7, seqStart: UINT32_MAX },
    { ...plain(1001), members: [{ uid: 5, name: 'Li Lei', idNum: '11010519491231002X', faceSha256: 'ab'.repeat(32) }] },
    { ...plain(1002), members: [{ uid: 6, name: 'Han Meimei', idNum: '110105194912310021', faceSha256: '' }] },
    { ...plain(1003), isDel: true, corpId: 9, apId: 3 },
    { ...plain(1004), apId: null, corpId: 8 },
    { ...plain(1005), isInit: false, isBind: false, initAt: '2020-01-01T00:00:00Z', bindAt: '2020-01-02T00:00:00.5+08:00' },
    { ...plain(1006), mac: 'AA:BB:CC:DD:EE:0F', secretHex: 'A1B2C3D4E5F60718293A4B5C6D7E8F90' },
    { ...plain(1007), mac: 'Aa:bB:cc:dd:ee:10', secretHex: 'a1B2c3d4e5f60718293a4b5c6d7e8f90' },
    { ...plain(1008), secretHex: '00', apId: 4, corpId: 11 },
    { ...plain(1009), mac: 'not a mac', lockId: 1 },
    { ...plain(1010), lockId: UINT32_MAX, apId: 0 },
  ];
  return [...Array.from({ length: 300 }, (_, i) => plain(299 - i)), ...odd];
}

const cases = (mac: string): string[] => [mac, mac.toLowerCase(), mac.toUpperCase()];

// DESIGN §3.3: the lock detail answers the fixture's values as stored; the registry must give each back exactly.
test('LockRegistry: every field of every record round-trips by id and by MAC in any case', () => {
  const records = mixedFleet();
  const registry = new LockRegistry(records);
  assert.equal(registry.size, records.length);
  for (const r of records) {
    assert.deepStrictEqual(registry.byId(r.lockId), r, `lock ${r.lockId} by id`);
    for (const mac of cases(r.mac)) assert.deepStrictEqual(registry.byMac(mac), r, `lock ${r.lockId} by MAC ${mac}`);
  }
});

test('LockRegistry: a plain fleet (ascending already) is found, and is columns and one shared profile, no record kept whole', () => {
  const records = Array.from({ length: 1000 }, (_, i) => plain(i));
  const registry = new LockRegistry(records);
  for (const r of records) {
    assert.deepStrictEqual(registry.byId(r.lockId), r);
    assert.deepStrictEqual(registry.byMac(r.mac), r);
  }
  const { data } = registry.data();
  assert.equal(data.profiles.length, 1);
  assert.equal(data.whole.size, 0);
  const odd = new LockRegistry(mixedFleet()).data().data;
  // The odd names, members and dates are profiles of their own; odd secrets, MACs and AP ids keep whole records.
  assert.equal(odd.profiles.length, 5);
  assert.deepEqual([...odd.whole.values()].map((r) => r.lockId).sort((a, b) => a - b), [1, 10_000_001 + 1007, 10_000_001 + 1008]);
});

test('LockRegistry: ids and MACs not in it miss', () => {
  const registry = new LockRegistry(mixedFleet());
  for (const id of [0, 2, 10_000_000, 10_000_001 + 300, 10_000_001 + 999, 10_000_001 + 1011, UINT32_MAX - 1]) assert.equal(registry.byId(id), undefined, `id ${id}`);
  for (const mac of ['72:00:00:00:01:2c', 'aa:bb:cc:dd:ee:11', '', 'not a mac ', 'AA:BB:CC:DD:EE', '72:00:00:00:00:00:00']) {
    assert.equal(registry.byMac(mac), undefined, `MAC ${mac}`);
  }
  const empty = new LockRegistry([]);
  assert.equal(empty.byId(1), undefined);
  assert.equal(empty.byMac('72:00:00:00:00:00'), undefined);
});

test('LockRegistry: a lock id or a MAC (in any case) given twice is refused, naming it', () => {
  assert.throws(() => new LockRegistry([plain(1), plain(2), { ...plain(3), lockId: plain(1).lockId }]), /lock 10000002 is in the registry twice/);
  assert.throws(() => new LockRegistry([plain(1), { ...plain(2), mac: plain(1).mac.toUpperCase() }]), /MAC 72:00:00:00:00:01 is in the registry twice/);
  assert.throws(() => new LockRegistry([{ ...plain(1), secretHex: '00' }, { ...plain(2), mac: plain(1).mac }]), /MAC 72:00:00:00:00:01 is in the registry twice/);
  assert.throws(() => new LockRegistry([{ ...plain(1), lockId: -1 }]), /lock id -1 is not an integer/);
});

// DESIGN §3.4 type 1: a gateway's status goes to the apps of the corps of its live locks.
test('LockRegistry: corps behind a gateway count live locks only, whole records included', () => {
  const registry = new LockRegistry(mixedFleet());
  assert.deepEqual([...registry.corpsOf(3)], [0], 'the deleted lock of corp 9 behind AP 3 does not count');
  assert.deepEqual([...registry.corpsOf(4)].sort((a, b) => a - b), [0, 11]);
  assert.deepEqual([...registry.corpsOf(0)], [0], 'AP id 0 is an AP, not none');
  assert.equal(registry.corpsOf(99).size, 0);
  assert.ok(![...Array(8).keys()].some((ap) => registry.corpsOf(ap).has(8)), 'the lock of corp 8 has no AP');
});

test('LockRegistry: through a structured clone with its buffers transferred, the same answers', () => {
  const records = mixedFleet();
  const { data, transfer } = new LockRegistry(records).data();
  const registry = LockRegistry.from(structuredClone(data, { transfer }));
  for (const r of records) assert.deepStrictEqual(registry.byMac(r.mac.toUpperCase()), r);
  assert.deepEqual([...registry.corpsOf(4)].sort((a, b) => a - b), [0, 11]);
  assert.deepEqual(registry.members().map((m) => m.uid).sort(), [5, 6]);
});
