import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkDefects, DEFECT_NAMES, DEFECTS, defectsOfRoom, isDefectName, parseDefectList, roomDefects, UnknownDefectError, type DefectRoom,
} from './defects.ts';

const ROOMS: readonly DefectRoom[] = ['lock', 'gateway', 'broker', 'cloud', 'serial-lock', 'serial-link'];

test('every defect belongs to exactly one room and says what it breaks', () => {
  assert.equal(DEFECT_NAMES.length, 36);
  assert.deepEqual(ROOMS.flatMap((r) => defectsOfRoom(r)).sort(), [...DEFECT_NAMES].sort());
  for (const n of DEFECT_NAMES) assert.ok(DEFECTS[n].what.length > 10, n);
  assert.deepEqual(defectsOfRoom('serial-link'), ['link-retransmit-new-seq']);
});

test('an unknown name is refused with one error type naming where it came from', () => {
  assert.ok(!isDefectName('toString'), 'no inherited key is a defect');
  assert.deepEqual(checkDefects(['lock-no-lockout', 'cloud-seq-reuse'], (i) => `$.defects[${i}]`), ['lock-no-lockout', 'cloud-seq-reuse']);
  assert.throws(() => checkDefects(['lock-no-lockout', 'lock-typo'], (i) => `$.defects[${i}]`), (err: unknown) => {
    assert.ok(err instanceof UnknownDefectError);
    assert.equal(err.where, '$.defects[1]');
    assert.equal(err.defect, 'lock-typo');
    assert.match(err.message, /^\$\.defects\[1\]: unknown defect "lock-typo" \(known: lock-slot-end-inclusive, /);
    return true;
  });
});

test('a list for some rooms refuses another room\u2019s defect, naming the flag and the room', () => {
  assert.deepEqual(parseDefectList(' lock-no-lockout , serial-no-cache,', '--defects', ['lock', 'serial-lock']), ['lock-no-lockout', 'serial-no-cache']);
  assert.deepEqual(parseDefectList('', '--defects'), []);
  assert.throws(() => parseDefectList('gateway-no-will', '--defects', ['lock', 'serial-lock']),
    /^UnknownDefectError: --defects: defect "gateway-no-will" acts in the gateway room; this input seeds lock, serial-lock/);
  assert.throws(() => parseDefectList('link-typo', 'LOCKBENCH_LINK_DEFECTS', ['serial-link']),
    /^UnknownDefectError: LOCKBENCH_LINK_DEFECTS: unknown defect "link-typo" \(known: link-retransmit-new-seq\)$/);
});

test('a room\u2019s predicate sees only its own defects and ignores other rooms\u2019 names', () => {
  const names = ['lock-no-lockout', 'gateway-no-will', 'broker-anonymous'];
  assert.equal(roomDefects('lock', names).has('lock-no-lockout'), true);
  assert.equal(roomDefects('lock', names).has('lock-accepts-replay'), false);
  assert.equal(roomDefects('gateway', names).has('gateway-no-will'), true);
  assert.equal(roomDefects('cloud', names).has('cloud-seq-reuse'), false);
  assert.equal(roomDefects('broker').has('broker-anonymous'), false);
  // @ts-expect-error a room asks only for its own names: the lock cannot ask for a gateway defect.
  assert.equal(roomDefects('lock', names).has('gateway-no-will'), false);
  assert.throws(() => roomDefects('cloud', ['cloud-sign-uppercas'], 'CloudOptions.defects'), /CloudOptions\.defects\[0\]: unknown defect "cloud-sign-uppercas"/);
});
