import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { hotp6, slotOf, tempPassword } from '../protocol/index.ts';
import { SECRET, setup, vectors } from './lock.test-kit.ts';


test('temp password vectors open the lock at slot start and end − 1 s, not at end or start − 1 s (PWD-05)', () => {
  const [v0, v1] = vectors.temp_password.filter((v: { secret_hex: string }) => v.secret_hex === SECRET);
  assert.equal(v0.password, '585625');
  const start = v0.effective_at; // 1700000100, a slot start
  assert.equal(start % 300, 0);
  const { world, lock } = setup(start);
  assert.equal(lock.keypad(v0.password), 'ok', 'slot start');
  world.set(start + 299);
  assert.equal(lock.keypad(v0.password), 'ok', 'slot end − 1 s');
  world.set(start + 300);
  assert.equal(lock.keypad(v0.password), 'bad_password', 'slot end');
  assert.equal(lock.keypad(v1.password), 'ok', 'the next slot code at its start');
  world.set(start - 1);
  assert.equal(lock.keypad(v0.password), 'bad_password', 'slot start − 1 s');
});

test('a temp code is reusable within its window and logs keypad unlocks with uid 0', () => {
  const { lock, events } = setup(1700000100);
  const code = tempPassword(SECRET, 1700000100);
  assert.equal(lock.keypad(code), 'ok');
  assert.equal(lock.keypad(code), 'ok');
  assert.deepEqual(events, [
    { type: 'unlock', lock_id: 1000001, mode: 1, result: 1, uid: 0, lock_time: 1700000100 },
    { type: 'unlock', lock_id: 1000001, mode: 1, result: 1, uid: 0, lock_time: 1700000100 },
  ]);
  assert.equal(lock.execute({ op: 'pwd_unlock', args: { password: code } }).result, 'ok');
  assert.deepEqual(events.at(-1), { type: 'unlock', lock_id: 1000001, mode: 3, result: 1, uid: 0, lock_time: 1700000100 });
});

test('tolerance widens the accepted slots exactly by behind and ahead (PWD-06)', () => {
  const w = 1700000100 + 150;
  const cur = slotOf(w);
  const { lock } = setup(w, { tolerance: { behind: 1, ahead: 2 }, lockout: { attempts: 100 } });
  const at = (n: number) => lock.keypad(hotp6(SECRET, n));
  assert.equal(at(cur - 2), 'bad_password');
  assert.equal(at(cur - 1), 'ok');
  assert.equal(at(cur), 'ok');
  assert.equal(at(cur + 2), 'ok');
  assert.equal(at(cur + 3), 'bad_password');
});

test('property: acceptance equals the window predicted from W, drift, offset and tolerance', () => {
  const start = 1700000000;
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 40 * 86400 }),
      fc.integer({ min: -500, max: 500 }),
      fc.integer({ min: -2000, max: 2000 }),
      fc.integer({ min: 0, max: 3 }),
      fc.integer({ min: 0, max: 3 }),
      fc.integer({ min: -6, max: 6 }),
      (elapsed, ppm, offset, behind, ahead, delta) => {
        const l = start + offset + elapsed * (1 + ppm / 1e6);
        // A floating-point hair from a slot boundary is not what this property is about.
        fc.pre(slotOf(l - 1e-6) === slotOf(l + 1e-6));
        const { world, lock } = setup(start, { driftPpm: ppm, clockOffsetS: offset, tolerance: { behind, ahead } });
        world.advance(elapsed);
        const n = slotOf(l) + delta;
        const expected = delta >= -behind && delta <= ahead ? 'ok' : 'bad_password';
        assert.equal(lock.keypad(hotp6(SECRET, n)), expected);
      },
    ),
    { numRuns: 300 },
  );
});

test('user passwords open inside [start, end) of lock time, expired outside, with their uid (V2-01)', () => {
  const s = 1700001000;
  const { world, lock, events } = setup(s - 1);
  assert.equal(lock.execute({ op: 'pwd_add', args: { uid: 7, password: '123456', start: s, end: s + 600 } }).result, 'ok');
  assert.equal(lock.keypad('123456'), 'expired', 'start − 1 s');
  assert.deepEqual(events.at(-1), { type: 'unlock', lock_id: 1000001, mode: 1, result: 2, uid: 7, lock_time: s - 1 });
  world.set(s);
  assert.equal(lock.keypad('123456'), 'ok', 'start');
  assert.deepEqual(events.at(-1), { type: 'unlock', lock_id: 1000001, mode: 1, result: 1, uid: 7, lock_time: s });
  world.set(s + 599);
  assert.equal(lock.execute({ op: 'pwd_unlock', args: { password: '123456' } }).result, 'ok', 'end − 1 s');
  world.set(s + 600);
  assert.equal(lock.execute({ op: 'pwd_unlock', args: { password: '123456' } }).result, 'expired', 'end');
  assert.equal(lock.keypad('654321'), 'bad_password');
  assert.deepEqual(events.at(-1), { type: 'unlock', lock_id: 1000001, mode: 1, result: 2, uid: 0, lock_time: s + 600 });
});

test('re-adding a uid replaces its password; capacity refuses a new uid with full (V2-02, V2-04)', () => {
  const s = 1700001000;
  const { lock } = setup(s, { capacity: 2 });
  const add = (uid: number, password: string) => lock.execute({ op: 'pwd_add', args: { uid, password, start: s, end: s + 60 } }).result;
  assert.equal(add(1, '111111'), 'ok');
  assert.equal(add(2, '222222'), 'ok');
  assert.equal(add(3, '333333'), 'full');
  assert.equal(add(2, '222333'), 'ok', 'replacing an existing uid is not full');
  assert.equal(lock.keypad('222222'), 'bad_password', 'old password of uid 2 is gone');
  assert.equal(lock.keypad('222333'), 'ok');
  assert.deepEqual(lock.storedPasswords(), [
    { uid: 1, password: '111111', start: s, end: s + 60 },
    { uid: 2, password: '222333', start: s, end: s + 60 },
  ]);
  assert.equal(lock.execute({ op: 'pwd_add', args: { uid: 4, password: '12345', start: s, end: s + 60 } }).result, 'error');
  assert.equal(lock.execute({ op: 'pwd_add', args: { uid: 4, password: '123456', start: s, end: s } }).result, 'error');
});

test('pwd_del removes one uid, unknown uid is ok, uid 0 removes every password (V2-03)', () => {
  const s = 1700001000;
  const { lock } = setup(s);
  for (const uid of [1, 2, 3]) lock.execute({ op: 'pwd_add', args: { uid, password: `00000${uid}`, start: s, end: s + 60 } });
  assert.equal(lock.execute({ op: 'pwd_del', args: { uid: 2 } }).result, 'ok');
  assert.deepEqual(lock.snapshot().uids, [1, 3]);
  assert.equal(lock.keypad('000002'), 'bad_password');
  assert.equal(lock.execute({ op: 'pwd_del', args: { uid: 99 } }).result, 'ok');
  assert.equal(lock.execute({ op: 'pwd_del', args: { uid: 0 } }).result, 'ok');
  assert.deepEqual(lock.snapshot().uids, []);
  assert.equal(lock.keypad('000001'), 'bad_password');
});

test('5 wrong passwords lock the keypad out for 60 s of lock time, then it works again (PWD-07)', () => {
  const s = 1700000100;
  const code = tempPassword(SECRET, s);
  const { world, lock, events } = setup(s);
  lock.execute({ op: 'pwd_add', args: { uid: 9, password: '999999', start: s + 1000, end: s + 2000 } });
  for (let i = 0; i < 4; i++) assert.equal(lock.keypad('000000'), 'bad_password');
  assert.equal(lock.state().is_abnormal, false);
  assert.equal(lock.execute({ op: 'pwd_unlock', args: { password: '999999' } }).result, 'expired', 'expired counts as wrong');
  assert.equal(lock.state().is_abnormal, true);
  assert.equal(lock.keypad(code), 'locked_out', 'even the right code is refused');
  assert.equal(lock.execute({ op: 'pwd_unlock', args: { password: code } }).result, 'locked_out');
  assert.deepEqual(events.at(-1), { type: 'unlock', lock_id: 1000001, mode: 3, result: 2, uid: 0, lock_time: s });
  assert.equal(lock.snapshot().locked_out_until, s + 60);
  // The lockout runs on lock time: a power outage does not shorten it.
  lock.setPower(false);
  world.advance(100);
  lock.setPower(true);
  world.advance(59);
  assert.equal(lock.keypad(code), 'locked_out', 'lock time + 59 s');
  world.advance(1);
  assert.equal(lock.state().is_abnormal, false);
  assert.equal(lock.snapshot().wrong_attempts, 0, 'the count restarts with the lockout over');
  assert.equal(lock.keypad('000000'), 'bad_password');
  assert.equal(lock.keypad(code), 'ok', 'lock time + 60 s, one wrong attempt does not lock out again');
});

test('a right password resets the wrong count; locked_out and no_time do not count', () => {
  const s = 1700000100;
  const code = tempPassword(SECRET, s);
  const { lock } = setup(s);
  for (let i = 0; i < 4; i++) lock.keypad('000000');
  assert.equal(lock.keypad(code), 'ok');
  for (let i = 0; i < 4; i++) lock.keypad('000000');
  assert.equal(lock.keypad(code), 'ok', 'count restarted after the success');
  lock.resetClock();
  for (let i = 0; i < 6; i++) assert.equal(lock.keypad('000000'), 'no_time');
  assert.equal(lock.snapshot().wrong_attempts, 0);
});
