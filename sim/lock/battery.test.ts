import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tempPassword, type LockEvent } from '../protocol/index.ts';
import { pctOneDecimal } from './battery.ts';
import { defaultLockSpec, type LockSpecInput } from './defaults.ts';
import { EVENT_LOG_SIZE } from './event-log.ts';
import { setup as setupAt, SECRET } from './lock.test-kit.ts';

const setup = (spec: Partial<LockSpecInput> = {}) => setupAt(1700000000, spec);

const DAY_S = 86_400;

const batteryEvents = (events: LockEvent[]) => events.filter((e) => e.type === 'battery');

test('defaults follow DESIGN §5.4 and §7', () => {
  const spec = defaultLockSpec({ lockId: 1, secretHex: SECRET, lockout: { seconds: 30 } });
  assert.equal(spec.batteryPct, 80);
  assert.equal(spec.lowBatteryPct, 20);
  assert.equal(spec.cutoffPct, 3);
  assert.equal(spec.unlockCostPct, 0.01);
  assert.equal(spec.idleDrainPctPerDay, 0.02);
  assert.equal(spec.capacity, 100);
  assert.deepEqual(spec.lockout, { attempts: 5, seconds: 30 });
  assert.deepEqual(spec.tolerance, { behind: 0, ahead: 0 });
  assert.deepEqual(spec.defects, []);
});

test('the battery drains with world time while powered and per actuation, never below 0', () => {
  const { world, lock } = setup();
  world.advance(10 * DAY_S);
  assert.equal(lock.state().battery_pct, 79.8);
  lock.setPower(false);
  world.advance(10 * DAY_S);
  lock.setPower(true);
  assert.equal(lock.state().battery_pct, 79.8, 'no drain while powered off');
  assert.equal(lock.bleUnlock(1), 'ok');
  assert.equal(lock.execute({ op: 'unlock', args: {} }).result, 'ok');
  assert.equal(lock.state().battery_pct, 79.78);
  lock.setBattery(0.01);
  world.advance(100 * DAY_S);
  assert.equal(lock.snapshot().battery_pct, 0);
});

test('crossing the low threshold emits exactly one battery event, re-armed after a recharge (STATE-02)', () => {
  const { world, lock, events } = setup({ batteryPct: 20.01 });
  assert.equal(lock.state().low_voltage, false);
  world.advance(DAY_S / 4);
  lock.tick();
  assert.equal(batteryEvents(events).length, 0, 'still above');
  world.advance(DAY_S);
  lock.tick();
  world.advance(DAY_S);
  lock.tick();
  assert.deepEqual(batteryEvents(events), [{ type: 'battery', lock_id: 1000001, battery_pct: 19.9, low_voltage: true }]);
  assert.equal(lock.state().low_voltage, true);
  lock.setBattery(50);
  assert.deepEqual(batteryEvents(events).at(-1), { type: 'battery', lock_id: 1000001, battery_pct: 50, low_voltage: false });
  lock.setBattery(10);
  lock.setBattery(9);
  assert.equal(batteryEvents(events).length, 3, 'one event per crossing');
  assert.deepEqual(batteryEvents(events).at(-1), { type: 'battery', lock_id: 1000001, battery_pct: 10, low_voltage: true });
});

test('a powered-off lock reports a low_voltage change when power returns', () => {
  const { lock, events } = setup();
  lock.setPower(false);
  lock.setBattery(10);
  assert.equal(batteryEvents(events).length, 0);
  lock.setPower(true);
  assert.deepEqual(batteryEvents(events), [{ type: 'battery', lock_id: 1000001, battery_pct: 10, low_voltage: true }]);
});

test('an actuation that crosses the threshold reports it after the unlock', () => {
  const { lock, events } = setup({ batteryPct: 20.005 });
  assert.equal(lock.bleUnlock(4), 'ok');
  assert.deepEqual(events.map((e) => e.type), ['unlock', 'battery']);
});

test('below cut-off the motor refuses with low_battery; a jammed motor with jammed (GW-02)', () => {
  const { lock, events } = setup({ batteryPct: 2.99 });
  assert.equal(lock.bleUnlock(4), 'low_battery');
  assert.deepEqual(events.at(-1), { type: 'unlock', lock_id: 1000001, mode: 2, result: 2, uid: 4, lock_time: 1700000000 });
  assert.equal(lock.state().battery_pct, 2.99, 'a refusal costs nothing');
  lock.setBattery(3);
  assert.equal(lock.execute({ op: 'unlock', args: { uid: 8 } }).result, 'ok');
  assert.deepEqual(events.at(-1), { type: 'unlock', lock_id: 1000001, mode: 3, result: 1, uid: 8, lock_time: 1700000000 });
  lock.setJammed(true);
  assert.equal(lock.execute({ op: 'unlock', args: {} }).result, 'jammed');
  assert.deepEqual(events.at(-1), { type: 'unlock', lock_id: 1000001, mode: 3, result: 2, uid: 0, lock_time: 1700000000 });
  lock.setJammed(false);
  assert.equal(lock.bleUnlock(1), 'low_battery', 'the last actuation took it to 2.99');
});

test('setBattery refuses values outside 0..100', () => {
  const { lock } = setup();
  assert.throws(() => lock.setBattery(101), RangeError);
  assert.throws(() => lock.setBattery(Number.NaN), RangeError);
});

test('tamper sets is_abnormal until cleared and emits on each change (STATE-01)', () => {
  const { lock, events } = setup();
  lock.setTamper(true);
  lock.setTamper(true);
  assert.equal(lock.state().is_abnormal, true);
  assert.equal(lock.execute({ op: 'state', args: {} }).data.is_abnormal, true);
  lock.setTamper(false);
  assert.equal(lock.state().is_abnormal, false);
  assert.deepEqual(events, [
    { type: 'tamper', lock_id: 1000001, is_abnormal: true },
    { type: 'tamper', lock_id: 1000001, is_abnormal: false },
  ]);
});

test('a cut radio makes execute unreachable but keeps keypad and bluetooth working', () => {
  const { lock, events } = setup();
  lock.setReachable(false);
  assert.equal(lock.reachable, false);
  assert.deepEqual(lock.execute({ op: 'unlock', args: {} }), { result: 'unreachable', data: {} });
  assert.equal(lock.bleUnlock(2), 'ok');
  assert.equal(lock.keypad(tempPassword(SECRET, 1700000000)), 'ok');
  lock.setPower(false);
  lock.setPower(true);
  lock.setReachable(true);
  assert.deepEqual(
    events.filter((e) => e.type === 'reachable'),
    [
      { type: 'reachable', lock_id: 1000001, online: false },
      { type: 'reachable', lock_id: 1000001, online: true },
    ],
    'only changes of reachability are events',
  );
  assert.deepEqual(lock.execute({ op: 'state', args: {} }), {
    result: 'ok',
    data: { is_abnormal: false, low_voltage: false, battery_pct: 79.98, lock_time: 1700000000 },
  });
});

test('the event log keeps the last 100 events; listeners see the new state and can unsubscribe', () => {
  const { lock } = setup();
  const seen: number[] = [];
  const off = lock.onEvent(() => seen.push(lock.state().battery_pct));
  lock.bleUnlock(1);
  assert.deepEqual(seen, [79.99], 'the listener runs after the actuation');
  off();
  for (let i = 2; i <= 120; i++) lock.bleUnlock(i);
  assert.equal(seen.length, 1);
  const log = lock.snapshot().events;
  assert.equal(log.length, EVENT_LOG_SIZE);
  assert.equal(log[0]?.type === 'unlock' && log[0].uid, 21);
  assert.equal(log.at(-1)?.type === 'unlock' && log.at(-1)?.type, 'unlock');
});

test('battery percent in events has one decimal, rounded down', () => {
  assert.equal(pctOneDecimal(19.99), 19.9);
  assert.equal(pctOneDecimal(19.9), 19.9);
  assert.equal(pctOneDecimal(50), 50);
});
