import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorldClock } from '../clock/index.ts';
import type { LockEvent } from '../protocol/index.ts';
import { defaultLockSpec } from './defaults.ts';
import { VirtualLock } from './lock.ts';
import { LockColumns } from './lock-columns.ts';
import { LockTable } from './lock-table.ts';
import { SECRET } from './lock.test-kit.ts';

const DAY_S = 86_400;
const START = 1_700_000_000;

const specs = [
  defaultLockSpec({ lockId: 30, secretHex: SECRET, mac: '72:00:00:00:00:1e', driftPpm: -12.5, clockOffsetS: 3.25, batteryPct: 20.004, lowBatteryPct: 20 }),
  defaultLockSpec({ lockId: 10, secretHex: SECRET.replace('a1', '00'), driftPpm: 40, batteryPct: 99.5, tolerance: { behind: 1, ahead: 2 }, capacity: 3, lockout: { attempts: 3, seconds: 90 }, firmwareVer: 'v9' }),
  // Upper-case hex does not fit the byte column: the row keeps its own spec.
  defaultLockSpec({ lockId: 20, secretHex: SECRET.toUpperCase(), lockoutClock: 'real', syncPhase: 'kept', defects: ['lock-no-lockout'] }),
];

/** What a lock shows of itself, events aside. */
const view = (lock: VirtualLock) => {
  const { events: _events, ...rest } = lock.snapshot();
  return rest;
};

test('the columns give back every field of every spec, rows ascending by id', () => {
  const cols = new LockColumns(specs);
  assert.deepEqual([...cols.ids], [10, 20, 30]);
  for (const [row, id] of [10, 20, 30].entries()) assert.deepEqual(cols.spec(row), specs.find((s) => s.lockId === id));
  assert.throws(() => new LockColumns([specs[0]!, specs[0]!]), /lock 30 is in the table twice/);
});

test('columns sent to another thread (a structured clone, buffers transferred) give back the same specs', () => {
  const { data, transfer } = new LockColumns(specs).data();
  const cols = LockColumns.from(structuredClone(data, { transfer }));
  assert.equal(data.ids.length, 0, 'the buffers moved, not copied');
  for (const [row, id] of [10, 20, 30].entries()) assert.deepEqual(cols.spec(row), specs.find((s) => s.lockId === id));
  assert.deepEqual(view(new LockTable(cols, new WorldClock(START)).get(10)!), view(new VirtualLock(specs[1]!, new WorldClock(START))));
});


test('a lock first used late reads as one made at birth: clock, drift and drain, a re-wound world included', () => {
  const world = new WorldClock(START);
  const table = new LockTable(specs, world);
  const eager = specs.map((s) => new VirtualLock(s, world));
  world.onMove(() => {
    table.tick();
    for (const l of eager) l.tick();
  });
  world.advance(3 * DAY_S);
  world.set(START + DAY_S);
  world.advance(5 * DAY_S + 0.5);
  assert.equal(table.liveCount, 1, 'a tick made lock 30 alone (its battery turned low), none whose battery stayed above the mark');
  for (const l of eager) assert.deepEqual(view(table.get(l.lockId)!), view(l));
  assert.equal(table.get(11), undefined);
});

// DESIGN §8 `GET /world` reads every lock; DESIGN §13: reading must not make the unused ones for good.
test('snapshots: every lock as its object shows it, ascending by id, without keeping a lock it made', () => {
  const world = new WorldClock(START);
  const table = new LockTable(specs, world);
  const eager = specs.map((s) => new VirtualLock(s, world)).sort((a, b) => a.lockId - b.lockId);
  world.onMove(() => {
    table.tick();
    for (const l of eager) l.tick();
  });
  world.advance(2 * DAY_S + 0.25);
  table.get(10)!.setBattery(50);
  eager[0]!.setBattery(50);
  world.advance(DAY_S);
  const made = table.liveCount;
  assert.deepEqual([...table.snapshots()], eager.map((l) => l.snapshot()));
  assert.equal(table.liveCount, made, 'no lock made for good by the look');
});

test('an unused lock whose battery turns low is made at that tick and its battery event reaches its route', () => {
  const world = new WorldClock(START);
  const table = new LockTable(specs, world);
  const eager = new VirtualLock(specs[0]!, world);
  const routed: LockEvent[] = [];
  const expected: LockEvent[] = [];
  eager.onEvent((ev) => expected.push(ev));
  table.route([30, 10], (ev) => routed.push(ev));
  world.onMove(() => {
    table.tick();
    eager.tick();
  });
  // 20.004 % at 0.02 %/day crosses 20 % after 0.2 days.
  world.advance(0.1 * DAY_S);
  assert.deepEqual(routed, []);
  world.advance(0.2 * DAY_S);
  assert.equal(expected.length, 1);
  assert.deepEqual(routed, expected);
  assert.equal(table.liveCount, 1);
});

test('routes: a used lock\'s events go to its route until taken away; a reset lock is fresh and the old object routes nothing', () => {
  const world = new WorldClock(START);
  const table = new LockTable(specs, world);
  const routed: LockEvent[] = [];
  const off = table.route([10], (ev) => routed.push(ev));
  const old = table.get(10)!;
  assert.equal(old.bleUnlock(7), 'ok');
  assert.deepEqual(routed.map((e) => e.type), ['unlock']);
  assert.equal(old.keypad('000000'), 'bad_password');
  table.reset();
  const fresh = table.get(10)!;
  assert.notEqual(fresh, old);
  assert.equal(fresh.snapshot().wrong_attempts, 0);
  assert.equal(fresh.snapshot().battery_pct, 99.5);
  old.setTamper(true);
  assert.equal(routed.length, 2, 'the dropped object routes nothing');
  off();
  fresh.setTamper(true);
  assert.equal(routed.length, 2, 'no route after off');
});
