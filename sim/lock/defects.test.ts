import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorldClock } from '../clock/index.ts';
import { hotp6, slotOf, tempPassword, timeSyncKeys } from '../protocol/index.ts';
import { UnknownDefectError, type LockDefect } from '../defects.ts';
import { defaultLockSpec, type LockSpecInput } from './defaults.ts';
import { VirtualLock } from './lock.ts';

const SECRET = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const SLOT_START = 1700000100;

function setup(defects: readonly string[], spec: Partial<LockSpecInput> = {}, start = SLOT_START) {
  const world = new WorldClock(start);
  const lock = new VirtualLock(defaultLockSpec({ lockId: 1000001, secretHex: SECRET, ...spec, defects }), world);
  return { world, lock };
}

/**
 * For each defect: a probe that observes the defective behaviour, and what it returns on a correct
 * lock and on the defective one. Partial on purpose: the kill matrix (`npm run defects`, its
 * catalogue typed over every defect) proves each defect against the suite, so a new defect needs
 * no probe here (`sim/defects.ts`).
 */
const probes: Partial<Record<LockDefect, { probe: (defects: readonly string[]) => unknown; correct: unknown; defective: unknown }>> = {
  'lock-slot-end-inclusive': {
    probe: (d) => {
      const { world, lock } = setup(d);
      world.set(SLOT_START + 300);
      const atEnd = lock.keypad(tempPassword(SECRET, SLOT_START));
      world.set(SLOT_START + 301);
      return [atEnd, lock.keypad(tempPassword(SECRET, SLOT_START))];
    },
    correct: ['bad_password', 'bad_password'],
    defective: ['ok', 'bad_password'],
  },
  'lock-ignores-tolerance': {
    probe: (d) => setup(d, { tolerance: { behind: 1, ahead: 0 } }).lock.keypad(hotp6(SECRET, slotOf(SLOT_START) - 1)),
    correct: 'ok',
    defective: 'bad_password',
  },
  'lock-drift-wrong-sign': {
    probe: (d) => {
      const { world, lock } = setup(d, { driftPpm: 20 });
      world.advance(10 * 86_400);
      return [lock.clockInfo().lock_time - world.now(), lock.snapshot().drift_ppm];
    },
    correct: [17, 20],
    defective: [-18, 20],
  },
  'lock-accepts-replay': {
    probe: (d) => {
      const { lock } = setup(d);
      const { key1, key2 } = timeSyncKeys(SECRET, 1000001, 5, SLOT_START);
      lock.bleTimeSync(5, key1, key2);
      return lock.bleTimeSync(5, key1, key2).result;
    },
    correct: 'replay',
    defective: 'ok',
  },
  'lock-no-lockout': {
    probe: (d) => {
      const { lock } = setup(d);
      for (let i = 0; i < 6; i++) lock.keypad('000000');
      return [lock.keypad(tempPassword(SECRET, SLOT_START)), lock.snapshot().wrong_attempts];
    },
    correct: ['locked_out', 5],
    defective: ['ok', 0],
  },
  'lock-battery-never-low': {
    probe: (d) => {
      const { lock } = setup(d, { batteryPct: 50 });
      const types: string[] = [];
      lock.onEvent((ev) => types.push(ev.type));
      lock.setBattery(10);
      return [lock.state().low_voltage, types];
    },
    correct: [true, ['battery']],
    defective: [false, []],
  },
  'lock-user-window-inclusive': {
    probe: (d) => {
      const { world, lock } = setup(d);
      lock.execute({ op: 'pwd_add', args: { uid: 1, password: '123456', start: SLOT_START, end: SLOT_START + 60 } });
      world.set(SLOT_START + 60);
      const atEnd = lock.keypad('123456');
      world.set(SLOT_START + 61);
      return [atEnd, lock.keypad('123456')];
    },
    correct: ['expired', 'expired'],
    defective: ['ok', 'expired'],
  },
  'lock-user-window-ignored': {
    probe: (d) => {
      const { world, lock } = setup(d);
      lock.execute({ op: 'pwd_add', args: { uid: 1, password: '123456', start: SLOT_START + 3600, end: SLOT_START + 3660 } });
      const before = lock.keypad('123456');
      world.set(SLOT_START + 7200);
      return [before, lock.keypad('123456')];
    },
    correct: ['expired', 'expired'],
    defective: ['ok', 'ok'],
  },
  'lock-reset-keeps-time': {
    probe: (d) => {
      const { lock } = setup(d);
      lock.resetClock();
      return lock.keypad(tempPassword(SECRET, SLOT_START));
    },
    correct: 'no_time',
    defective: 'ok',
  },
  'lock-power-off-clock-runs': {
    probe: (d) => {
      const { world, lock } = setup(d);
      lock.setPower(false);
      world.advance(1000);
      lock.setPower(true);
      return lock.clockInfo().lock_time - SLOT_START;
    },
    correct: 0,
    defective: 1000,
  },
  'lock-ignores-time-sync': {
    probe: (d) => {
      const { lock } = setup(d);
      const { key1, key2 } = timeSyncKeys(SECRET, 1000001, 5, SLOT_START + 7200);
      const r = lock.bleTimeSync(5, key1, key2);
      return [r.result, r.lock_time - SLOT_START];
    },
    correct: ['ok', 7200],
    defective: ['ok', 0],
  },
};

for (const [name, { probe, correct, defective }] of Object.entries(probes)) {
  test(`defect ${name} is off by default and observable when on`, () => {
    assert.deepEqual(probe([]), correct, 'correct lock');
    assert.deepEqual(probe([name]), defective, 'defective lock');
  });
}

test('other rooms\u2019 defect names are ignored; an unknown name is refused, whatever its prefix', () => {
  assert.doesNotThrow(() => setup(['cloud-sign-any-hour']));
  assert.throws(() => setup(['lock-typo']), UnknownDefectError);
  assert.throws(() => setup(['cloud-ignores-hour-bucket']), /defects\[0\]: unknown defect "cloud-ignores-hour-bucket"/);
});
