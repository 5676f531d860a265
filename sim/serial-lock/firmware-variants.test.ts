import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WorldClock, type Clock } from '../clock/index.ts';
import { tempPassword, timeSyncKeys } from '../protocol/index.ts';
import { defaultLockSpec, VirtualLock, type LockSpecInput } from '../lock/lock.ts';
import { StateFile } from './state-file.ts';

// The firmware choices DESIGN §5.4 and §6 leave open, as switches of the virtual serial lock (DESIGN §11: the
// lab target is built to the contract, not to our device).

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LOCK_ID = 4100007;
const SECRET = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';
const T0 = 1_800_000_000;

/** A lock on a frozen world at T0 with a separate "real" clock the test moves by hand. */
function setup(spec: Partial<LockSpecInput> = {}) {
  const world = new WorldClock(T0);
  let realS = 5_000_000;
  const real: Clock = { now: () => realS };
  const lock = new VirtualLock(defaultLockSpec({ lockId: LOCK_ID, secretHex: SECRET, ...spec }), world, real);
  let seq = 0;
  const sync = (t: number) => {
    seq += 1;
    const k = timeSyncKeys(SECRET, LOCK_ID, seq, t);
    return lock.bleTimeSync(seq, k.key1, k.key2);
  };
  const lockOut = () => {
    for (let i = 0; i < 5; i++) lock.keypad('000000');
    assert.equal(lock.keypad(tempPassword(SECRET, lock.clockInfo().lock_time)), 'locked_out');
  };
  const good = () => lock.keypad(tempPassword(SECRET, lock.clockInfo().lock_time));
  return { world, lock, sync, lockOut, good, moveReal: (s: number) => (realS += s) };
}

test('--lockout-clock lock (DESIGN default): the lock clock moved past the end, or set back before the start, ends the lockout', () => {
  const a = setup();
  a.lockOut();
  a.world.advance(59);
  assert.equal(a.good(), 'locked_out', '59 s of lock time: still locked out');
  a.world.advance(1);
  assert.equal(a.good(), 'ok', 'at t+60 it works again');
  const b = setup();
  b.lockOut();
  assert.equal(b.sync(T0 + 3600).result, 'ok');
  assert.equal(b.good(), 'ok', 'a sync forward past the end ends it');
  const c = setup();
  c.lockOut();
  c.sync(T0 - 3600);
  assert.equal(c.good(), 'ok', 'a clock set back before it began ends it');
});

test('--lockout-clock real: no time sync ends the lockout; 60 s of the device\u2019s real time do', () => {
  const a = setup({ lockoutClock: 'real' });
  a.lockOut();
  a.sync(T0 + 3600);
  assert.equal(a.good(), 'locked_out', 'sync forward');
  a.sync(T0 - 3600);
  assert.equal(a.good(), 'locked_out', 'sync back');
  assert.equal(a.lock.state().is_abnormal, true);
  a.moveReal(59);
  assert.equal(a.good(), 'locked_out');
  a.moveReal(1);
  assert.equal(a.good(), 'ok');
  assert.equal(a.lock.state().is_abnormal, false);
});

test('--lockout-survives-set-back: a clock set back keeps the remaining lockout; lock time moving on ends it', () => {
  const a = setup({ lockoutSetBack: 'keeps-remaining' });
  a.lockOut();
  a.world.advance(20);
  a.sync(T0 - 3600);
  assert.equal(a.good(), 'locked_out', 'set back: still locked out');
  a.world.advance(39);
  assert.equal(a.good(), 'locked_out', '59 s of lock time elapsed in all');
  a.world.advance(1);
  assert.equal(a.good(), 'ok', '60 s elapsed');
  const b = setup({ lockoutSetBack: 'keeps-remaining' });
  b.lockOut();
  b.sync(T0 + 3600);
  assert.equal(b.good(), 'ok', 'forward past the end still ends it (DESIGN §5.4 lock time)');
});

test('lockoutSetBack keeps-end: a lockout begun before a set-back ends only when lock time reaches its end again (DESIGN §11)', () => {
  const a = setup({ lockoutSetBack: 'keeps-end' });
  a.world.advance(3 * 3600);
  a.lockOut();
  const end = a.lock.clockInfo().lock_time + 60;
  a.sync(T0);
  assert.equal(a.good(), 'locked_out', 'hours back: still locked out');
  a.world.advance(600);
  assert.equal(a.good(), 'locked_out', 'ten minutes of lock time later: still');
  a.sync(end - 1);
  assert.equal(a.good(), 'locked_out', 'one second before its end in lock time');
  a.sync(end);
  assert.equal(a.good(), 'ok', 'at its end in lock time');
});

test('syncPhase kept: a sync to t reads t at once and turns when the RTC ticks, not a whole second later (DESIGN §11)', () => {
  let ms = 0;
  const world = new WorldClock(T0, () => ms);
  world.run(1);
  const lock = new VirtualLock(defaultLockSpec({ lockId: LOCK_ID, secretHex: SECRET, syncPhase: 'kept' }), world);
  ms = 400;
  const k = timeSyncKeys(SECRET, LOCK_ID, 1, T0 + 600);
  assert.equal(lock.bleTimeSync(1, k.key1, k.key2).lock_time, T0 + 600);
  ms = 950;
  assert.equal(lock.clockInfo().lock_time, T0 + 600);
  ms = 1050;
  assert.equal(lock.clockInfo().lock_time, T0 + 601, 'the RTC ticked 0.6 s after the sync');
  const zero = new VirtualLock(defaultLockSpec({ lockId: LOCK_ID, secretHex: SECRET }), world);
  ms = 1400;
  const k2 = timeSyncKeys(SECRET, LOCK_ID, 1, T0 + 600);
  zero.bleTimeSync(1, k2.key1, k2.key2);
  ms = 2350;
  assert.equal(zero.clockInfo().lock_time, T0 + 600, 'phase zero: a whole second from the sync');
});

test('--time running: the lock clock follows real time from --start', () => {
  let ms = 0;
  const world = new WorldClock(T0, () => ms);
  world.run(1);
  const lock = new VirtualLock(defaultLockSpec({ lockId: LOCK_ID, secretHex: SECRET }), world);
  ms = 2500;
  assert.equal(lock.clockInfo().lock_time, T0 + 2);
  const k = timeSyncKeys(SECRET, LOCK_ID, 9, T0 + 600);
  assert.equal(lock.bleTimeSync(9, k.key1, k.key2).lock_time, T0 + 600);
  ms = 4000;
  assert.equal(lock.clockInfo().lock_time, T0 + 601, 'and keeps running after a sync');
});

test('--state FILE: last seq, user passwords, lockout and clock anchor survive a restart', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lockbench-state-'));
  try {
    const file = new StateFile(join(dir, 'sub', 'lock.json'));
    assert.equal(file.load(), undefined, 'no file yet: a fresh device');
    const a = setup();
    a.sync(T0 + 100);
    a.lock.execute({ op: 'pwd_add', args: { uid: 3, password: '246810', start: T0, end: T0 + 7200 } });
    a.lockOut();
    file.save(a.lock.persisted());

    const b = setup();
    b.lock.restore(new StateFile(file.path).load()!);
    const k = timeSyncKeys(SECRET, LOCK_ID, 1, T0 + 200);
    assert.equal(b.lock.bleTimeSync(1, k.key1, k.key2).result, 'replay', 'last_seq kept');
    assert.equal(b.lock.clockInfo().lock_time, T0 + 100, 'clock anchor kept');
    assert.equal(b.good(), 'locked_out', 'lockout kept');
    b.world.advance(60);
    assert.equal(b.lock.keypad('246810'), 'ok', 'user password kept');
    assert.deepEqual(b.lock.snapshot().uids, [3]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--state FILE: a corrupt or malformed file is an error naming the path and field, never a silent reset', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lockbench-state-'));
  try {
    const path = join(dir, 'lock.json');
    writeFileSync(path, '{"lock_id": 1, "last_');
    assert.throws(() => new StateFile(path).load(), (e: Error) => e.message.startsWith(path) && /not JSON/.test(e.message));
    writeFileSync(path, JSON.stringify({ lock_id: LOCK_ID, last_seq: -1, passwords: [], lockout: { wrong: 0, since: null }, clock: { offset_s: 0, trusted: true } }));
    assert.throws(() => new StateFile(path).load(), (e: Error) => e.message.includes(path) && e.message.includes('$.last_seq'));
    const other = setup();
    assert.throws(() => other.lock.restore({ ...other.lock.persisted(), lock_id: 7 }), /lock 7/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('StateFile.save is atomic and writes only on change', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lockbench-state-'));
  try {
    const file = new StateFile(join(dir, 'lock.json'));
    const a = setup();
    file.save(a.lock.persisted());
    const first = readFileSync(file.path, 'utf8');
    writeFileSync(file.path, first.replace('"last_seq":0', '"last_seq":0 '));
    file.save(a.lock.persisted());
    assert.notEqual(readFileSync(file.path, 'utf8'), first, 'unchanged state: not rewritten');
    a.sync(T0);
    file.save(a.lock.persisted());
    assert.equal(JSON.parse(readFileSync(file.path, 'utf8')).last_seq, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('npm run serial-lock answers --help with every switch and its default, and names a bad flag or value', () => {
  const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'bin/serial-lock.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 20_000 });
  const help = run('--help');
  assert.equal(help.status, 0);
  for (const flag of ['--no-sim', '--time', '--start', '--lockout-clock', '--lockout-survives-set-back', '--cache-ms', '--event-resend-ms', '--state', '--defects']) assert.ok(help.stdout.includes(flag), flag);
  const bad = run('--port', '/nonexistent', '--lock-id', '5', '--secret', 'aa', '--lockout-clock', 'wall');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--lockout-clock must be lock or real/);
  const defect = run('--port', '/nonexistent', '--lock-id', '5', '--secret', 'aa', '--defects', 'lock-typo');
  assert.match(defect.stderr, /unknown defect "lock-typo"/);
});
