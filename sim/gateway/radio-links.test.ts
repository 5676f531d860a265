import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorldClock } from '../clock/index.ts';
import { defaultLockSpec, LockTable } from '../lock/index.ts';
import type { LockEvent } from '../protocol/index.ts';
import { RadioLinks } from './radio-links.ts';

const SECRET = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const table = () => new LockTable([5, 6, 7].map((lockId) => defaultLockSpec({ lockId, secretHex: SECRET })), new WorldClock(1_700_000_000));

test('a group reaches its own locks only, each made at its first request; an unreachable lock is not asked', async () => {
  const locks = table();
  const group = new RadioLinks(locks, [7, 5]);
  assert.equal(locks.liveCount, 0);
  assert.equal((await group.request(7, { op: 'unlock', args: {} }, 100)).result, 'ok');
  assert.equal(locks.liveCount, 1, 'only the lock asked was made');
  assert.equal((await group.request(6, { op: 'unlock', args: {} }, 100)).result, 'unreachable', 'lock 6 is in the table, not in the group');
  locks.get(5)!.setReachable(false);
  assert.equal((await group.request(5, { op: 'unlock', args: {} }, 100)).result, 'unreachable');
  assert.equal(locks.get(5)!.snapshot().events.filter((e) => e.type === 'unlock').length, 0);
});

test('a group forwards its locks\' events to one listener until unsubscribed or closed', async () => {
  const locks = table();
  const group = new RadioLinks(locks, [5, 6]);
  const got: LockEvent[] = [];
  const off = group.onEvent((ev) => void got.push(ev));
  locks.get(5)!.bleUnlock(1);
  locks.get(7)!.bleUnlock(1);
  assert.deepEqual(got.map((e) => e.lock_id), [5], 'lock 7 is not the group\'s');
  off();
  locks.get(6)!.bleUnlock(1);
  assert.equal(got.length, 1);
  group.onEvent((ev) => void got.push(ev));
  await group.close();
  locks.get(6)!.bleUnlock(1);
  assert.equal(got.length, 1, 'closed: no event');
  assert.equal((await group.request(5, { op: 'state', args: {} }, 100)).result, 'unreachable');
});
