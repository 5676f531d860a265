import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorldClock } from '../clock/index.ts';
import { tempPassword, timeSyncKeys } from '../protocol/index.ts';
import { defaultLockSpec } from './defaults.ts';
import { VirtualLock } from './lock.ts';
import { SECRET, setup, vectors } from './lock.test-kit.ts';

const DAY_S = 86_400;

test('+20 ppm over 10 days puts the lock 17.28 s ahead (DRIFT-01)', () => {
  const start = 1700000000;
  const { world, lock } = setup(start, { driftPpm: 20 });
  world.advance(10 * DAY_S);
  assert.ok(Math.abs(lock.lockTime() - (world.now() + 17.28)) < 1e-6, `${lock.lockTime() - world.now()}`);
  assert.equal(lock.clockInfo().lock_time, world.now() + 17);
  assert.equal(lock.state().lock_time, world.now() + 17);
  assert.equal(lock.snapshot().drift_ppm, 20);
});

test('drift past one slot refuses the true-slot code until a time sync (DRIFT-02)', () => {
  const start = 1700000000;
  const { world, lock } = setup(start, { driftPpm: 1000 });
  world.advance(4 * DAY_S + 10); // 345.6 s ahead: the lock is in the next slot
  const w = world.now();
  assert.equal(lock.keypad(tempPassword(SECRET, w)), 'bad_password');
  const { key1, key2 } = timeSyncKeys(SECRET, 1000001, 1, w);
  assert.deepEqual(lock.bleTimeSync(1, key1, key2), { result: 'ok', lock_time: w });
  assert.equal(lock.keypad(tempPassword(SECRET, w)), 'ok');
});

test('setDrift changes the rate from now on and setClockOffset adds a step', () => {
  const start = 1700000000;
  const { world, lock } = setup(start, { clockOffsetS: -30 });
  assert.equal(lock.clockInfo().lock_time, start - 30);
  world.advance(DAY_S);
  lock.setDrift(-50);
  world.advance(DAY_S);
  assert.ok(Math.abs(lock.lockTime() - (start + 2 * DAY_S - 30 - 4.32)) < 1e-6);
  lock.setClockOffset(100);
  assert.ok(Math.abs(lock.lockTime() - (start + 2 * DAY_S + 70 - 4.32)) < 1e-6);
});

test('power loss freezes the clock and silences the lock; after power on it is behind by the outage (DRIFT-03)', () => {
  const start = 1700000100;
  const { world, lock, events } = setup(start);
  lock.setPower(false);
  assert.equal(lock.reachable, false);
  assert.deepEqual(events, [{ type: 'reachable', lock_id: 1000001, online: false }]);
  world.advance(1000);
  assert.equal(lock.clockInfo().lock_time, start);
  assert.equal(lock.keypad(tempPassword(SECRET, start)), 'unreachable');
  assert.equal(lock.bleUnlock(5), 'unreachable');
  assert.equal(lock.execute({ op: 'state', args: {} }).result, 'unreachable');
  assert.equal(lock.bleTimeSync(1, 0, 0).result, 'unreachable');
  assert.equal(events.length, 1, 'a powered-off lock reports no unlock attempts');
  lock.setPower(true);
  assert.deepEqual(events.at(-1), { type: 'reachable', lock_id: 1000001, online: true });
  assert.equal(lock.clockInfo().lock_time, start);
  assert.equal(lock.keypad(tempPassword(SECRET, world.now())), 'bad_password', 'the true slot is 3 slots ahead of the lock');
  assert.equal(lock.keypad(tempPassword(SECRET, start)), 'ok');
});

test('a reset clock refuses every password with no_time until a time sync (DRIFT-03, V2-05)', () => {
  const start = 1700000100;
  const { world, lock, events } = setup(start);
  lock.execute({ op: 'pwd_add', args: { uid: 3, password: '424242', start, end: start + 600 } });
  lock.resetClock();
  assert.equal(lock.clockInfo().trusted, false);
  assert.equal(lock.keypad(tempPassword(SECRET, start)), 'no_time');
  assert.equal(lock.execute({ op: 'pwd_unlock', args: { password: '424242' } }).result, 'no_time');
  assert.deepEqual(events.at(-1), { type: 'unlock', lock_id: 1000001, mode: 3, result: 2, uid: 0, lock_time: start });
  assert.equal(lock.bleUnlock(3), 'ok', 'a bluetooth unlock needs no time');
  world.advance(20);
  const { key1, key2 } = timeSyncKeys(SECRET, 1000001, 1, world.now());
  assert.equal(lock.bleTimeSync(1, key1, key2).result, 'ok');
  assert.equal(lock.clockInfo().trusted, true);
  assert.equal(lock.keypad(tempPassword(SECRET, world.now())), 'ok');
  assert.equal(lock.keypad('424242'), 'ok');
});

test('time sync vectors set the clock to server_time; same or older seq is replay; forged key2 is bad_key (TSYNC-02)', () => {
  const [v] = vectors.time_sync.filter((x: { secret_hex: string }) => x.secret_hex === SECRET);
  assert.equal(v.lock_id, 1000001);
  const { world, lock } = setup(v.server_time + 500, { driftPpm: 100 });
  assert.deepEqual(lock.bleTimeSync(v.seq, v.key1, (v.key2 ^ 1) >>> 0), { result: 'bad_key', lock_time: v.server_time + 500 });
  assert.equal(lock.snapshot().last_seq, 0);
  assert.deepEqual(lock.bleTimeSync(v.seq, v.key1, v.key2), { result: 'ok', lock_time: v.server_time });
  assert.equal(lock.snapshot().last_seq, v.seq);
  world.advance(60);
  assert.deepEqual(lock.bleTimeSync(v.seq, v.key1, v.key2), { result: 'replay', lock_time: v.server_time + 60 });

  const other = vectors.time_sync.filter((x: { lock_id: number }) => x.lock_id === 1000003);
  assert.equal(other.length, 2);
  const world2 = new WorldClock(1478590000);
  const lock2 = new VirtualLock(defaultLockSpec({ lockId: 1000003, secretHex: other[0].secret_hex }), world2);
  assert.equal(lock2.bleTimeSync(other[1].seq, other[1].key1, other[1].key2).result, 'ok');
  assert.equal(lock2.clockInfo().lock_time, other[1].server_time);
  assert.equal(lock2.bleTimeSync(other[0].seq, other[0].key1, other[0].key2).result, 'replay', 'older seq after a newer one');
  assert.equal(lock2.clockInfo().lock_time, other[1].server_time);
  assert.equal(lock.bleTimeSync(other[0].seq, other[0].key1, other[0].key2).result, 'bad_key', "another lock's keys");
});
