import fc from 'fast-check';
import { test, expect } from '../harness/fixtures/index.ts';
import { SLOT_S, slotOf } from '../sim/protocol/index.ts';
import type { ApiClient } from '../harness/client/api-client.ts';
import type { TargetControl } from '../harness/targets/session.ts';

// TEST-PLAN DRIFT-01…DRIFT-03 — the lock's own clock: drift, power loss, reset (DESIGN §2), and
// what it does to temporary passwords (§5.2) until a time sync (§5.3).

/** Property runs are HTTP calls: few, no shrinking on a stateful world, replayable with LOCKBENCH_SEED. */
const FC_RUNS = { numRuns: 15, endOnFailure: true, ...(process.env.LOCKBENCH_SEED ? { seed: Number(process.env.LOCKBENCH_SEED) } : {}) };

const DAY_S = 86400;

/** The lock's clock in whole seconds, as the control API reports it. */
async function lockTime(ctl: TargetControl, lockId: number): Promise<number> {
  const t = (await ctl.lockState(lockId)).lock_time;
  expect(typeof t, 'lock_time is a number').toBe('number');
  return t as number;
}

/** How far the lock's clock is ahead of world time (negative: behind), ±1 s of flooring. */
async function offsetOf(ctl: TargetControl, lockId: number): Promise<number> {
  const l = await lockTime(ctl, lockId);
  return l - (await ctl.now());
}

/** The cloud's password for the current world slot (a valid effective_at under both profiles). */
async function worldSlotCode(api: ApiClient, ctl: TargetControl, lockId: number): Promise<string> {
  const res = await api.pwdGet(lockId, slotOf(await ctl.now()) * SLOT_S, 300);
  expect(res, 'pwd/get of the world slot').toBeOutcome('ok');
  const p = res.envelope?.data?.password;
  expect(p).toMatch(/^\d{6}$/);
  return p as string;
}

/** Issue keys, carry them to the lock over Bluetooth, report the result (DESIGN §5.3); returns the issue time. */
async function timeSync(api: ApiClient, ctl: TargetControl, lockId: number): Promise<number> {
  const issuedAt = Math.floor(await ctl.now());
  const res = await api.seqGet(lockId);
  expect(res, 'seq/get').toBeOutcome('ok');
  const keys = res.envelope!.data!;
  const delivered = await ctl.bleTimeSync(lockId, keys);
  expect(delivered).toMatchObject({ result: 'ok', lock_time: issuedAt });
  expect(await api.seqResult(lockId, keys.seq, 1), 'time_sync/result').toBeOutcome('ok');
  return issuedAt;
}

test('a drifting lock gains D·86400·ppm·1e-6 seconds over D simulated days', { tag: '@DRIFT-01' }, async ({ ctl, fleet, needs }) => {
  needs('clock', 'lock');
  const lock = fleet.need('drifting');
  const ppm = fleet.roles.driftingPpm;
  test.skip(typeof ppm !== 'number', 'target does not declare the drifting lock ppm');
  expect((await ctl.lockState(lock)).drift_ppm).toBe(ppm);
  const base = await offsetOf(ctl, lock);
  let days = 0;
  for (const step of [1, 2, 4, 23]) {
    await ctl.advance(step * DAY_S);
    days += step;
    const gained = (await offsetOf(ctl, lock)) - base;
    expect(Math.abs(gained - days * DAY_S * ppm! * 1e-6), `after ${days} days: gained ${gained} s`).toBeLessThanOrEqual(1);
  }
});

test('property: a drift set through the control API predicts the lock clock', { tag: '@DRIFT-01' }, async ({ ctl, fleet, needs }) => {
  needs('clock', 'lock');
  const lock = fleet.need('main');
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: 1, max: 30 * DAY_S }), async (ppm, seconds) => {
      const state = await ctl.setLock(lock, { drift_ppm: ppm });
      expect(state.drift_ppm).toBe(ppm);
      const l0 = await lockTime(ctl, lock);
      await ctl.advance(seconds);
      const predicted = l0 + seconds * (1 + ppm * 1e-6);
      // Both readings are floored: the error is strictly inside ±1 s.
      expect(Math.abs((await lockTime(ctl, lock)) - predicted), `${ppm} ppm over ${seconds} s`).toBeLessThan(1);
    }),
    FC_RUNS,
  );
});

/** Advance whole days until the drifting lock is more than one slot ahead; returns its lead in seconds. */
async function driftPastOneSlot(ctl: TargetControl, lockId: number, ppm: number): Promise<number> {
  const days = Math.ceil(SLOT_S / (DAY_S * ppm * 1e-6)) + 1;
  await ctl.advance(days * DAY_S);
  const lead = await offsetOf(ctl, lockId);
  expect(lead, `lead after ${days} days`).toBeGreaterThan(SLOT_S);
  return lead;
}

test('once drift exceeds one slot the code of the world slot is refused', { tag: '@DRIFT-02' }, async ({ api, ctl, fleet, needs }) => {
  needs('clock', 'lock', 'keypad');
  const lock = fleet.need('drifting');
  const ppm = fleet.roles.driftingPpm;
  test.skip(typeof ppm !== 'number' || ppm <= 0, 'target does not declare a positive drifting lock ppm');
  // Before the drift builds up, the world slot's code opens: the refusal below is the drift's doing.
  expect(await ctl.keypad(lock, await worldSlotCode(api, ctl, lock)), 'no drift yet').toBe('ok');
  await driftPastOneSlot(ctl, lock, ppm!);
  expect(await ctl.keypad(lock, await worldSlotCode(api, ctl, lock)), 'drifted past a slot').toBe('bad_password');
});

test('after a time sync the drifted lock accepts the world slot code again', { tag: '@DRIFT-02' }, async ({ api, ctl, fleet, needs, needsEndpoint }) => {
  needs('clock', 'lock', 'keypad', 'ble');
  needsEndpoint('/third/lock/time_sync/seq/get');
  const lock = fleet.need('drifting');
  const ppm = fleet.roles.driftingPpm;
  test.skip(typeof ppm !== 'number' || ppm <= 0, 'target does not declare a positive drifting lock ppm');
  await driftPastOneSlot(ctl, lock, ppm!);
  const code = await worldSlotCode(api, ctl, lock);
  expect(await ctl.keypad(lock, code), 'before the sync').toBe('bad_password');
  const issuedAt = await timeSync(api, ctl, lock);
  expect(await lockTime(ctl, lock)).toBe(issuedAt);
  expect(await ctl.keypad(lock, code), 'after the sync').toBe('ok');
});

test('power off freezes the lock clock; after power on it is behind by the outage', { tag: '@DRIFT-03' }, async ({ api, ctl, fleet, needs }) => {
  needs('clock', 'lock', 'keypad');
  const lock = fleet.need('main');
  const outage = 2 * SLOT_S + 40;
  const before = await offsetOf(ctl, lock);
  // The code of the slot the lock is in now, fetched while its window is current.
  const oldCode = await worldSlotCode(api, ctl, lock);
  const frozen = (await ctl.setLock(lock, { power: 'off' })).lock_time;
  expect(typeof frozen).toBe('number');
  await ctl.advance(outage);
  expect(await lockTime(ctl, lock), 'clock while powered off').toBe(frozen);
  await ctl.setLock(lock, { power: 'on' });
  expect(await lockTime(ctl, lock), 'clock at power on').toBe(frozen);
  expect(Math.abs((await offsetOf(ctl, lock)) - (before - outage)), 'behind by the outage').toBeLessThanOrEqual(1);
  // The lock lives in the past: the world slot's code fails, the old slot's code still opens.
  expect(await ctl.keypad(lock, await worldSlotCode(api, ctl, lock)), 'world slot code').toBe('bad_password');
  expect(await ctl.keypad(lock, oldCode), "the lock's own slot code").toBe('ok');
});

test('a reset clock refuses every code with no_time', { tag: '@DRIFT-03' }, async ({ api, ctl, fleet, needs }) => {
  needs('clock', 'clockReset', 'keypad');
  const lock = fleet.need('main');
  const code = await worldSlotCode(api, ctl, lock);
  expect(await ctl.keypad(lock, code), 'before the reset').toBe('ok');
  const state = await ctl.setLock(lock, { reset_clock: true });
  expect(state.trusted).toBe(false);
  expect(await ctl.keypad(lock, code), 'current code').toBe('no_time');
  await ctl.advance(SLOT_S);
  expect(await ctl.keypad(lock, await worldSlotCode(api, ctl, lock)), 'next slot code').toBe('no_time');
  expect(await ctl.keypad(lock, '000000'), 'any code').toBe('no_time');
});

test('a reset clock is trusted again after a time sync, and codes open', { tag: '@DRIFT-03' }, async ({ api, ctl, fleet, needs, needsEndpoint }) => {
  needs('clock', 'clockReset', 'keypad', 'ble');
  needsEndpoint('/third/lock/time_sync/seq/get');
  const lock = fleet.need('main');
  await ctl.setLock(lock, { reset_clock: true });
  await ctl.advance(SLOT_S);
  const code = await worldSlotCode(api, ctl, lock);
  expect(await ctl.keypad(lock, code), 'before the sync').toBe('no_time');
  await timeSync(api, ctl, lock);
  expect((await ctl.lockState(lock)).trusted).toBe(true);
  expect(await ctl.keypad(lock, code), 'after the sync').toBe('ok');
});
