import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { tempPassword, timeSyncKeys, type LockEvent } from '../../sim/protocol/index.ts';
import { measureDrift, verdict } from './clock-accuracy.ts';
import { SerialLink } from './serial-link.ts';
import { waitUntil } from '../../sim/io/index.ts';
import { exitOf, stopChild } from '../../sim/io/child-exit.ts';
import { LOCK_ID, ptyPair, ptyPaths, SECRET, serialLock, type Started } from './pty.test-kit.ts';

test('lockwire over a real pty pair: bin/serial-lock ↔ SerialLink, unplug and reconnect (LAB-01…04)', async (t) => {
  const paths = ptyPaths(t);
  if (!paths) return;
  const { dir, hostPath, lockPath } = paths;
  let socat = await ptyPair(hostPath, lockPath);
  let lock: Started | undefined;
  let link: SerialLink | undefined;
  try {
    lock = await serialLock(lockPath);
    const found = await SerialLink.identify({ path: hostPath, retransmitMs: 100, reopenMs: 50 }, 2000);
    assert.ok(found.ok, found.ok ? '' : found.error);
    link = found.link;
    assert.equal(link.lockId, LOCK_ID);
    assert.ok(found.info.caps.includes('sim'));
    const events: LockEvent[] = [];
    link.onEvent((ev) => void events.push(ev));

    // Time moves through ble_time_sync on the lab target (DESIGN §9: lab controls the clock through `ble_time_sync`).
    const at = 1_700_003_000;
    const keys = timeSyncKeys(SECRET, LOCK_ID, 1, at);
    const sync = await link.bleTimeSync(1, keys.key1, keys.key2);
    assert.equal(sync.result, 'ok');
    assert.ok(sync.lock_time >= at && sync.lock_time <= at + 1, `lock time ${sync.lock_time}`);
    assert.equal((await link.bleTimeSync(1, keys.key1, keys.key2)).result, 'replay');
    const clock = await link.clockGet();
    assert.ok(clock.ok && clock.trusted && clock.lock_time - at <= 2);

    assert.equal(await link.keypad(tempPassword(SECRET, at)), 'ok');
    await waitUntil('the keypad unlock event', () => events.some((e) => e.type === 'unlock' && e.mode === 1), { timeoutMs: 2000 });
    assert.equal((await link.request({ op: 'unlock', args: {} }, 2000)).result, 'ok');

    // Unplug: the pty pair goes away.
    socat.kill('SIGTERM');
    await exitOf(socat, 2000);
    await waitUntil('the link to see the port gone', () => !link!.isOpen, { timeoutMs: 2000 });
    const t0 = performance.now();
    assert.equal((await link.request({ op: 'state', args: {} }, 300)).result, 'unreachable');
    assert.ok(performance.now() - t0 < 600, 'within the timeout');
    assert.ok(events.some((e) => e.type === 'reachable' && !e.online));

    // Plug back in: both ends reopen the same paths; the link probes until the lock answers.
    socat = await ptyPair(hostPath, lockPath);
    await waitUntil('the lock to answer again', () => events.some((e) => e.type === 'reachable' && e.online), { timeoutMs: 5000 });
    const state = await link.request({ op: 'state', args: {} }, 2000);
    assert.equal(state.result, 'ok', `state after reconnect; lock stderr: ${lock.stderr()}`);
    assert.equal(link.stats.reconnects, 1);
  } finally {
    // Every child is stopped before anything here may fail.
    await link?.close();
    let lockExit: number | null = 0;
    if (lock) lockExit = await stopChild(lock.child, 3000);
    await stopChild(socat, 2000);
    rmSync(dir, { recursive: true, force: true });
    assert.equal(lockExit, 0, 'serial-lock exits 0 on SIGTERM');
  }
});

test('serial-lock --state FILE: a restarted device keeps its last seq, passwords and clock; --defects seeds it (DESIGN §11)', async (t) => {
  const paths = ptyPaths(t);
  if (!paths) return;
  const { dir, hostPath, lockPath } = paths;
  const stateFile = join(dir, 'flash', 'lock.json');
  const socat = await ptyPair(hostPath, lockPath);
  const flags = ['--state', stateFile, '--lockout-clock', 'real', '--defects', 'lock-ignores-time-sync', '--no-sim'];
  let lock: Started | undefined;
  let link: SerialLink | undefined;
  const stop = (): Promise<number | null> => stopChild(lock!.child, 3000);
  try {
    lock = await serialLock(lockPath, flags);
    link = new SerialLink({ path: hostPath, lockId: LOCK_ID, retransmitMs: 100, reopenMs: 50 });
    const before = await link.clockGet();
    assert.ok(before.ok);
    const info = await link.info();
    assert.ok(info.ok && !info.info.caps.includes('sim') && info.info.caps.includes('clock'), '--no-sim: no sim capability');
    assert.equal((await link.sim('battery', { battery_pct: 10 })).result, 'error', '--no-sim: sim ops refused');
    const keys = timeSyncKeys(SECRET, LOCK_ID, 50, 1_700_000_000);
    const sync = await link.bleTimeSync(50, keys.key1, keys.key2);
    assert.equal(sync.result, 'ok');
    assert.ok(Math.abs(sync.lock_time - before.lock_time) <= 1, 'lock-ignores-time-sync: the clock stayed where it was');
    assert.equal((await link.request({ op: 'pwd_add', args: { uid: 4, password: '135790', start: 0, end: 4_000_000_000 } }, 2000)).result, 'ok');
    assert.equal(await stop(), 0);
    lock = await serialLock(lockPath, flags);
    assert.equal((await link.bleTimeSync(50, keys.key1, keys.key2)).result, 'replay', 'last seq kept across the restart');
    assert.equal(await link.keypad('135790'), 'ok', 'user password kept');
    const after = await link.clockGet();
    assert.ok(after.ok && after.lock_time >= before.lock_time && after.lock_time - before.lock_time < 30, 'clock runs on from its anchor');
  } finally {
    await link?.close();
    const code = lock ? await stop() : 0;
    await stopChild(socat, 2000);
    rmSync(dir, { recursive: true, force: true });
    assert.equal(code, 0, 'serial-lock exits 0 on SIGTERM');
  }
});

test('clock accuracy over a real pty (LAB-05): a running device at 0 ppm passes, at +2 % fails within seconds (the 0.5 % in a minute law is the fake bench\u2019s)', async (t) => {
  const paths = ptyPaths(t);
  if (!paths) return;
  const { dir, hostPath, lockPath } = paths;
  const socat = await ptyPair(hostPath, lockPath);
  let lock: Started | undefined;
  let link: SerialLink | undefined;
  try {
    lock = await serialLock(lockPath, ['--time', 'running']);
    link = new SerialLink({ path: hostPath, lockId: LOCK_ID, retransmitMs: 100, reopenMs: 50 });
    const l = link;
    const clockGet = async (): Promise<number> => {
      const c = await l.clockTime(1000);
      if (!c.ok) throw new Error(`clock_get: ${c.result}`);
      return c.lock_time;
    };
    const host = (): number => performance.now();
    // Up to three fine catches: they stop once an edge is bounded by about one read, so a loaded machine gets more tries, a quiet one none.
    const good = await measureDrift(clockGet, host, { intervalMs: 3000, refineTries: 3 });
    assert.ok(verdict(good, 50).pass, verdict(good, 50).sentence);
    t.diagnostic(`${verdict(good, 50).sentence}; round trip mean ${l.stats.roundTrip.meanMs.toFixed(2)} ms`);
    assert.ok(good.uncertaintyPpm < 5000, `uncertainty ${good.uncertaintyPpm.toFixed(0)} ppm; round trip ${JSON.stringify(l.stats.roundTrip)}`);
    assert.equal((await l.sim('drift', { ppm: 20_000 })).result, 'ok');
    const off = await measureDrift(clockGet, host, { intervalMs: 3000, refineTries: 1 });
    assert.equal(verdict(off, 50).pass, false, verdict(off, 50).sentence);
    t.diagnostic(verdict(off, 50).sentence);
    assert.ok(Math.abs(off.ppm - 20_000) <= off.uncertaintyPpm, `20000 within ${off.ppm.toFixed(0)} ± ${off.uncertaintyPpm.toFixed(0)}`);
  } finally {
    await link?.close();
    if (lock) await stopChild(lock.child, 3000);
    await stopChild(socat, 2000);
    rmSync(dir, { recursive: true, force: true });
  }
});
