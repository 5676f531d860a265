import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LockResult } from '../../../sim/protocol/index.ts';
import { LabClock, type ClockLink } from './clock.ts';
import { LabState } from './state.ts';

// LabClock (DESIGN §11) against a fake device on fake real time: placement on a running clock whose
// second starts anywhere after a sync, the probe confirmed after, and a lockout begun before a set-back.

const LOCK_ID = 4100007;

/** A device clock running on fake real ms; a sync keeps a sub-second phase of `phaseMs`, each answer takes `latencyMs`. */
function fakeDevice(opts: { phaseMs: number; latencyMs: number }) {
  let ms = 0;
  let anchor = { ms: 0, t: 1_800_000_000 };
  const lockTime = () => Math.floor(anchor.t + (ms - anchor.ms) / 1000);
  const link: ClockLink = {
    async bleTimeSync(_seq, key1) {
      ms += opts.latencyMs;
      anchor = { ms: ms - opts.phaseMs, t: key1 };
      return { result: 'ok', lock_time: lockTime() };
    },
    async clockGet() {
      ms += opts.latencyMs;
      return { ok: true, lock_time: lockTime(), trusted: true };
    },
    async clockTime() {
      ms += opts.latencyMs;
      return { ok: true, lock_time: lockTime() };
    },
  };
  return { link, now: () => ms, sleep: async (d: number) => void (ms += d), lockTime, advance: (d: number) => void (ms += d) };
}

function setup(phaseMs: number, latencyMs: number) {
  const dir = mkdtempSync(join(tmpdir(), 'lockbench-labclock-'));
  const state = new LabState(join(dir, 'state.json'));
  const dev = fakeDevice({ phaseMs, latencyMs });
  let w = 1_800_000_000;
  let seq = 0;
  const clock = new LabClock({
    world: { now: () => w, set: (t) => (w = t) },
    link: dev.link, lockId: LOCK_ID, caps: ['keypad', 'time_sync', 'clock'], state, callMs: 1000,
    // The fake carries the server time in key1 (the real keys are DESIGN §5.3's; here only the clock matters).
    issueKeys: async () => ({ seq: ++seq, key1: Math.floor(w), key2: 0 }),
    sleepMs: dev.sleep, nowMs: dev.now,
  });
  return { clock, dev, state, world: () => w, done: () => rmSync(dir, { recursive: true, force: true }) };
}

for (const phaseMs of [0, 300, 999]) {
  test(`place(t) on a running clock whose second starts ${phaseMs} ms into the sync finds t and leaves world time there`, async () => {
    const s = setup(phaseMs, 120);
    try {
      await s.clock.measureRunning();
      assert.equal(s.clock.realTime, true);
      await s.clock.place(1_800_003_000);
      assert.equal(s.dev.lockTime(), 1_800_003_000);
      assert.equal(s.world(), 1_800_003_000);
      const r = await s.clock.probe(async () => s.dev.lockTime());
      assert.equal(r, 1_800_003_000, 'the probe landed in the placed second');
    } finally {
      s.done();
    }
  });
}

test('a probe that the second moved past is repeated after placing the clock again', async () => {
  const s = setup(0, 50);
  try {
    await s.clock.place(1_800_003_000);
    let calls = 0;
    const seen: number[] = [];
    await s.clock.probe(async () => {
      calls++;
      // The first probe is slow: the device's second moves on meanwhile.
      if (calls === 1) s.dev.advance(1500);
      seen.push(s.dev.lockTime());
      return 'ok';
    });
    assert.equal(calls, 2);
    assert.deepEqual(seen, [1_800_003_001, 1_800_003_000]);
    let later = 0;
    s.dev.advance(1500);
    await s.clock.probe(async () => void later++);
    assert.equal(later, 1, 'only the first use after a placement is confirmed and repeated');
  } finally {
    s.done();
  }
});

test('a lockout begun hours ahead of a set-back is ended by moving the clock past the latest lock time shown + seconds (DESIGN §11)', async () => {
  const s = setup(0, 10);
  try {
    const lockedUntil = 1_800_010_000 + 13;
    await s.clock.place(1_800_010_000);
    s.clock.set(1_800_000_000);
    const typed: number[] = [];
    const validCode = async (): Promise<LockResult> => {
      typed.push(s.dev.lockTime());
      return s.dev.lockTime() < lockedUntil ? 'locked_out' : 'ok';
    };
    await s.clock.endLockout(13, validCode);
    assert.ok(typed.at(-1)! >= lockedUntil, `typed at ${typed.join(', ')}`);
    assert.ok(s.dev.now() < 5000, 'not waited out in real time');
    assert.equal(s.state.lockTime(LOCK_ID)! >= 1_800_010_000, true);
  } finally {
    s.done();
  }
});

test('reading world time has no side effect; a moved world is synced only before the device\'s next use', async () => {
  const s = setup(0, 10);
  try {
    await s.clock.sync();
    const before = s.dev.now();
    s.clock.advance(600);
    assert.equal(s.clock.now(), 1_800_000_600);
    assert.equal(s.dev.now(), before, 'nothing went to the device');
    await s.clock.sync();
    assert.equal(s.dev.lockTime(), 1_800_000_600);
  } finally {
    s.done();
  }
});
