import fc from 'fast-check';
import { test, expect, FC_RUNS } from '../harness/fixtures/index.ts';
import { SLOT_S, slotOf } from '../sim/protocol/index.ts';
import type { ApiClient } from '../harness/client/api-client.ts';
import type { ClockFacet, LockWith } from '../harness/targets/core/facets.ts';
import { lockTime } from './steps.test-kit.ts';

// TEST-PLAN DRIFT-01…DRIFT-03 — the lock's own clock: drift, power loss, reset (DESIGN §2), and
// what it does to temporary passwords (§5.2) until a time sync (§5.3).

const DAY_S = 86400;

/** How far the lock's clock is ahead of world time (negative: behind), ±1 s of flooring. */
async function offsetOf(clock: ClockFacet, lock: LockWith<'time'>): Promise<number> {
  const l = await lockTime(lock);
  return l - (await clock.now());
}

/** The cloud's password for the current world slot (a valid effective_at under both profiles). */
async function worldSlotCode(api: ApiClient, clock: ClockFacet, lockId: number): Promise<string> {
  const res = await api.pwdGet(lockId, slotOf(await clock.now()) * SLOT_S, 300);
  expect(res, 'pwd/get of the world slot').toBeOutcome('ok');
  const p = res.envelope?.data?.password;
  expect(p).toMatch(/^\d{6}$/);
  return p as string;
}

/** Issue keys, carry them to the lock over Bluetooth, report the result (DESIGN §5.3); returns the issue time. */
async function timeSync(api: ApiClient, clock: ClockFacet, lock: LockWith<'timeSync'>): Promise<number> {
  const issuedAt = Math.floor(await clock.now());
  const res = await api.seqGet(lock.id);
  expect(res, 'seq/get').toBeOutcome('ok');
  const keys = res.envelope!.data!;
  const delivered = await lock.timeSync(keys);
  expect(delivered).toMatchObject({ result: 'ok', lock_time: issuedAt });
  expect(await api.seqResult(lock.id, keys.seq, 1), 'time_sync/result').toBeOutcome('ok');
  return issuedAt;
}

test('a drifting lock gains D·86400·ppm·1e-6 seconds over D simulated days', { tag: '@DRIFT-01' }, async ({ clock, locks }) => {
  const lock = locks.get('drifting', 'state', 'time');
  const ppm = lock.driftPpm;
  test.skip(typeof ppm !== 'number', 'target does not declare the drifting lock ppm');
  expect((await lock.state()).drift_ppm).toBe(ppm);
  const base = await offsetOf(clock, lock);
  let days = 0;
  for (const step of [1, 2, 4, 23]) {
    await clock.advance(step * DAY_S);
    days += step;
    const gained = (await offsetOf(clock, lock)) - base;
    expect(Math.abs(gained - days * DAY_S * ppm! * 1e-6), `after ${days} days: gained ${gained} s`).toBeLessThanOrEqual(1);
  }
});

test('property: a drift set through the control API predicts the lock clock', { tag: '@DRIFT-01' }, async ({ clock, locks }) => {
  const lock = locks.get('main', 'set', 'time');
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: 1, max: 30 * DAY_S }), async (ppm, seconds) => {
      const state = await lock.set({ drift_ppm: ppm });
      expect(state.drift_ppm).toBe(ppm);
      const l0 = await lockTime(lock);
      await clock.advance(seconds);
      const predicted = l0 + seconds * (1 + ppm * 1e-6);
      // Both readings are floored: the error is strictly inside ±1 s.
      expect(Math.abs((await lockTime(lock)) - predicted), `${ppm} ppm over ${seconds} s`).toBeLessThan(1);
    }),
    FC_RUNS,
  );
});

/** Advance whole days until the drifting lock is more than one slot ahead; returns its lead in seconds. */
async function driftPastOneSlot(clock: ClockFacet, lock: LockWith<'time'>, ppm: number): Promise<number> {
  const days = Math.ceil(SLOT_S / (DAY_S * ppm * 1e-6)) + 1;
  await clock.advance(days * DAY_S);
  const lead = await offsetOf(clock, lock);
  expect(lead, `lead after ${days} days`).toBeGreaterThan(SLOT_S);
  return lead;
}

test('once drift exceeds one slot the code of the world slot is refused', { tag: '@DRIFT-02' }, async ({ api, clock, locks }) => {
  const lock = locks.get('drifting', 'time', 'keypad');
  const ppm = lock.driftPpm;
  test.skip(typeof ppm !== 'number' || ppm <= 0, 'target does not declare a positive drifting lock ppm');
  // Before the drift builds up, the world slot's code opens: the refusal below is the drift's doing.
  expect(await lock.keypad(await worldSlotCode(api, clock, lock.id)), 'no drift yet').toBe('ok');
  await driftPastOneSlot(clock, lock, ppm!);
  expect(await lock.keypad(await worldSlotCode(api, clock, lock.id)), 'drifted past a slot').toBe('bad_password');
});

test('after a time sync the drifted lock accepts the world slot code again', { tag: '@DRIFT-02' }, async ({ api, clock, locks, needsEndpoint }) => {
  needsEndpoint('/third/lock/time_sync/seq/get');
  const lock = locks.get('drifting', 'time', 'keypad', 'timeSync');
  const ppm = lock.driftPpm;
  test.skip(typeof ppm !== 'number' || ppm <= 0, 'target does not declare a positive drifting lock ppm');
  await driftPastOneSlot(clock, lock, ppm!);
  const code = await worldSlotCode(api, clock, lock.id);
  expect(await lock.keypad(code), 'before the sync').toBe('bad_password');
  const issuedAt = await timeSync(api, clock, lock);
  expect(await lockTime(lock)).toBe(issuedAt);
  expect(await lock.keypad(code), 'after the sync').toBe('ok');
});

test('power off freezes the lock clock; after power on it is behind by the outage', { tag: '@DRIFT-03' }, async ({ api, clock, locks }) => {
  const lock = locks.get('main', 'set', 'time', 'keypad');
  const outage = 2 * SLOT_S + 40;
  const before = await offsetOf(clock, lock);
  // The code of the slot the lock is in now, fetched while its window is current.
  const oldCode = await worldSlotCode(api, clock, lock.id);
  const frozen = (await lock.set({ power: 'off' })).lock_time;
  expect(typeof frozen).toBe('number');
  await clock.advance(outage);
  expect(await lockTime(lock), 'clock while powered off').toBe(frozen);
  await lock.set({ power: 'on' });
  expect(await lockTime(lock), 'clock at power on').toBe(frozen);
  expect(Math.abs((await offsetOf(clock, lock)) - (before - outage)), 'behind by the outage').toBeLessThanOrEqual(1);
  // The lock lives in the past: the world slot's code fails, the old slot's code still opens.
  expect(await lock.keypad(await worldSlotCode(api, clock, lock.id)), 'world slot code').toBe('bad_password');
  expect(await lock.keypad(oldCode), "the lock's own slot code").toBe('ok');
});

test('a reset clock refuses every code with no_time', { tag: '@DRIFT-03' }, async ({ api, clock, locks }) => {
  const lock = locks.get('main', 'resetClock', 'trusted', 'keypad');
  const code = await worldSlotCode(api, clock, lock.id);
  expect(await lock.keypad(code), 'before the reset').toBe('ok');
  await lock.resetClock();
  expect(await lock.trusted()).toBe(false);
  expect(await lock.keypad(code), 'current code').toBe('no_time');
  await clock.advance(SLOT_S);
  expect(await lock.keypad(await worldSlotCode(api, clock, lock.id)), 'next slot code').toBe('no_time');
  expect(await lock.keypad('000000'), 'any code').toBe('no_time');
});

test('a reset clock is trusted again after a time sync, and codes open', { tag: '@DRIFT-03' }, async ({ api, clock, locks, needsEndpoint }) => {
  needsEndpoint('/third/lock/time_sync/seq/get');
  const lock = locks.get('main', 'resetClock', 'trusted', 'keypad', 'timeSync');
  await lock.resetClock();
  await clock.advance(SLOT_S);
  const code = await worldSlotCode(api, clock, lock.id);
  expect(await lock.keypad(code), 'before the sync').toBe('no_time');
  await timeSync(api, clock, lock);
  expect(await lock.trusted()).toBe(true);
  expect(await lock.keypad(code), 'after the sync').toBe('ok');
});
