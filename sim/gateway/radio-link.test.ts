import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LockEvent } from '../protocol/index.ts';
import { RadioLink } from './radio-link.ts';
import { FakeLock } from './gateway.test-kit.ts';

const unlockEvent: LockEvent = { type: 'unlock', lock_id: 7, mode: 1, result: 1, uid: 0, lock_time: 100 };

test('request executes on a reachable lock and answers unreachable otherwise', async () => {
  const lock = new FakeLock(7);
  lock.answer = () => ({ result: 'jammed', data: {} });
  const link = new RadioLink(lock);
  assert.equal(link.lockId, 7);
  assert.deepEqual(await link.request({ op: 'unlock', args: { uid: 3 } }, 100), { result: 'jammed', data: {} });
  assert.deepEqual(lock.ops, [{ op: 'unlock', args: { uid: 3 } }]);
  lock.reachable = false;
  assert.deepEqual(await link.request({ op: 'state', args: {} }, 100), { result: 'unreachable', data: {} });
  assert.equal(lock.ops.length, 1, 'an unreachable lock is not asked');
});

test('events are forwarded until unsubscribed; close drops every subscription', async () => {
  const lock = new FakeLock(7);
  const link = new RadioLink(lock);
  const a: LockEvent[] = [];
  const b: LockEvent[] = [];
  const offA = link.onEvent((ev) => void a.push(ev));
  link.onEvent((ev) => void b.push(ev));
  lock.emit(unlockEvent);
  offA();
  lock.emit(unlockEvent);
  assert.equal(a.length, 1);
  assert.equal(b.length, 2);
  await link.close();
  assert.equal(lock.listenerCount, 0);
  lock.emit(unlockEvent);
  assert.equal(b.length, 2);
  assert.deepEqual(await link.request({ op: 'state', args: {} }, 100), { result: 'unreachable', data: {} });
});
