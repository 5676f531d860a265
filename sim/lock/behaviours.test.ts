import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MODE } from '../protocol/index.ts';
import { onOp } from './behaviours.ts';
import { setup } from './lock.test-kit.ts';

// STYLE §5: the lock's ops are a chain of behaviours; a test prepends its own to override a default.

const START = 1_700_000_000;

test('a prepended behaviour overrides the default for its op and leaves the others to the defaults', () => {
  const { lock, events } = setup(START);
  lock.prepend(onOp('unlock', () => ({ result: 'jammed', data: {} })));
  assert.equal(lock.execute({ op: 'unlock', args: { uid: 3 } }).result, 'jammed');
  assert.equal(events.length, 0, 'the override answered before the motor ran');
  assert.equal(lock.execute({ op: 'pwd_add', args: { uid: 1, password: '123456', start: START - 10, end: START + 3600 } }).result, 'ok');
  assert.equal(lock.execute({ op: 'pwd_unlock', args: { password: '123456' } }).result, 'ok');
  assert.equal(lock.execute({ op: 'state', args: {} }).result, 'ok');
});

test('a behaviour that returns undefined ("not mine") passes the op down the chain; the last prepended is asked first', () => {
  const { lock, events } = setup(START);
  const asked: string[] = [];
  lock.prepend(onOp('unlock', (op) => (op.args.uid === 7 ? { result: 'low_battery', data: {} } : undefined)));
  lock.prepend((op) => {
    asked.push(op.op);
    return undefined;
  });
  assert.equal(lock.execute({ op: 'unlock', args: { uid: 7 } }).result, 'low_battery');
  assert.equal(lock.execute({ op: 'unlock', args: { uid: 8 } }).result, 'ok');
  assert.deepEqual(asked, ['unlock', 'unlock']);
  assert.deepEqual(events.map((e) => e.type === 'unlock' && [e.mode, e.uid, e.result]), [[MODE.network, 8, 1]]);
});

test('a behaviour may use the firmware steps it is given, and an unreachable lock answers before the chain', () => {
  const { lock } = setup(START);
  lock.prepend(onOp('pwd_unlock', (_op, ctx) => ({ result: ctx.motorUnlock(MODE.network, 0), data: {} })));
  assert.equal(lock.execute({ op: 'pwd_unlock', args: { password: '000000' } }).result, 'ok', 'the override skips the password check');
  lock.setReachable(false);
  assert.equal(lock.execute({ op: 'pwd_unlock', args: { password: '000000' } }).result, 'unreachable');
});
