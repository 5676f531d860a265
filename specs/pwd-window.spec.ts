import fc from 'fast-check';
import { test, expect } from '../harness/fixtures/index.ts';
import { SLOT_S, slotOf, slotWindow } from '../sim/protocol/index.ts';
import type { ApiClient } from '../harness/client/api-client.ts';
import type { TargetControl } from '../harness/targets/session.ts';

// TEST-PLAN PWD-05…PWD-07 — the lock side of temporary passwords: acceptance at the lock's own
// clock (DESIGN §5.2), tolerance, reuse and keypad lockout (§5.4).

/** Property runs are HTTP calls: few, no shrinking on a stateful world, replayable with LOCKBENCH_SEED. */
const FC_RUNS = { numRuns: 15, endOnFailure: true, ...(process.env.LOCKBENCH_SEED ? { seed: Number(process.env.LOCKBENCH_SEED) } : {}) };

/** The tolerant role's declared tolerance (fixtures/fleet.json, FleetRoles.tolerant). */
const TOLERANT = { behind: 1, ahead: 1 };

/** DESIGN §5.4 defaults: 5 wrong codes in a row lock the keypad for 60 s of lock time. */
const LOCKOUT = { attempts: 5, seconds: 60 };

/** The lock's clock in whole seconds, as the control API reports it. */
async function lockTime(ctl: TargetControl, lockId: number): Promise<number> {
  const t = (await ctl.lockState(lockId)).lock_time;
  expect(typeof t, 'lock_time is a number').toBe('number');
  return t as number;
}

/** Move world time so that a drift-free lock's clock reads exactly `target` (asserted). */
async function setLockTime(ctl: TargetControl, lockId: number, target: number): Promise<void> {
  const w = await ctl.now();
  await ctl.setTime(w + (target - (await lockTime(ctl, lockId))));
  expect(await lockTime(ctl, lockId), 'lock clock placed exactly').toBe(target);
}

/** The cloud's temporary password of `slot` (its window must not be over in world time). */
async function codeOf(api: ApiClient, lockId: number, slot: number): Promise<string> {
  const res = await api.pwdGet(lockId, slot * SLOT_S, 300);
  expect(res, `pwd/get lock ${lockId} slot ${slot}`).toBeOutcome('ok');
  const p = res.envelope?.data?.password;
  expect(p).toMatch(/^\d{6}$/);
  return p as string;
}

/** A 6-digit code that is not `code` (its last digit moved). */
function wrongOf(code: string): string {
  return code.slice(0, 5) + String((Number(code[5]) + 1) % 10);
}

/**
 * Property (DESIGN §5.2): the code of slot n typed at lock time L opens iff
 * (n − ahead)·300 ≤ L < (n + behind + 1)·300. Time only moves forward; a refusal is followed by
 * the current slot's code so wrong attempts never add up to a lockout.
 */
async function windowProperty(api: ApiClient, ctl: TargetControl, lockId: number, tol: { behind: number; ahead: number }): Promise<void> {
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 0, max: 3 }), fc.integer({ min: -(tol.ahead + 1) * SLOT_S, max: (tol.behind + 2) * SLOT_S - 1 }), async (j, off) => {
      const n = slotOf(await lockTime(ctl, lockId)) + 2 + tol.ahead + j;
      const code = await codeOf(api, lockId, n);
      const target = n * SLOT_S + off;
      await setLockTime(ctl, lockId, target);
      const accept = (n - tol.ahead) * SLOT_S <= target && target < (n + tol.behind + 1) * SLOT_S;
      expect(await ctl.keypad(lockId, code), `code of slot ${n} at lock time ${target}`).toBe(accept ? 'ok' : 'bad_password');
      if (!accept) expect(await ctl.keypad(lockId, await codeOf(api, lockId, slotOf(await ctl.now()))), 'current code').toBe('ok');
    }),
    FC_RUNS,
  );
}

test('the lock accepts a code from its slot start to end − 1 s of its own clock, not a second outside', { tag: '@PWD-05' }, async ({ api, ctl, fleet, needs }) => {
  needs('clock', 'keypad', 'lockTime');
  const lock = fleet.need('main');
  const n = slotOf(await lockTime(ctl, lock)) + 1;
  const code = await codeOf(api, lock, n);
  const { start, end } = slotWindow(n);
  // A success between the two refusals resets the wrong count, so no lockout interferes.
  await setLockTime(ctl, lock, start - 1);
  expect(await ctl.keypad(lock, code), 'slot start − 1 s').toBe('bad_password');
  await setLockTime(ctl, lock, start);
  expect(await ctl.keypad(lock, code), 'slot start').toBe('ok');
  await setLockTime(ctl, lock, end - 1);
  expect(await ctl.keypad(lock, code), 'slot end − 1 s').toBe('ok');
  await setLockTime(ctl, lock, end);
  expect(await ctl.keypad(lock, code), 'slot end').toBe('bad_password');
});

test('property: a lock without tolerance opens exactly inside [n·300, n·300 + 300)', { tag: '@PWD-05' }, async ({ api, ctl, fleet, needs }) => {
  needs('clock', 'keypad', 'lockTime');
  await windowProperty(api, ctl, fleet.need('main'), { behind: 0, ahead: 0 });
});

test('a tolerant lock accepts exactly the widened window of a code', { tag: '@PWD-06' }, async ({ api, ctl, fleet, needs }) => {
  needs('clock', 'keypad', 'lockTime');
  const lock = fleet.need('tolerant');
  const n = slotOf(await lockTime(ctl, lock)) + 3;
  const code = await codeOf(api, lock, n);
  // Slot n is accepted while floor(L/300) ∈ [n − ahead, n + behind] (DESIGN §5.2).
  const first = (n - TOLERANT.ahead) * SLOT_S;
  const end = (n + TOLERANT.behind + 1) * SLOT_S;
  await setLockTime(ctl, lock, first - 1);
  expect(await ctl.keypad(lock, code), 'widened start − 1 s').toBe('bad_password');
  await setLockTime(ctl, lock, first);
  expect(await ctl.keypad(lock, code), 'widened start').toBe('ok');
  await setLockTime(ctl, lock, n * SLOT_S - 1);
  expect(await ctl.keypad(lock, code), 'own slot start − 1 s').toBe('ok');
  await setLockTime(ctl, lock, (n + 1) * SLOT_S);
  expect(await ctl.keypad(lock, code), 'own slot end').toBe('ok');
  await setLockTime(ctl, lock, end - 1);
  expect(await ctl.keypad(lock, code), 'widened end − 1 s').toBe('ok');
  await setLockTime(ctl, lock, end);
  expect(await ctl.keypad(lock, code), 'widened end').toBe('bad_password');
});

test('a tolerant lock accepts behind..ahead slots around its own and refuses one more on each side', { tag: '@PWD-06' }, async ({ api, ctl, fleet, needs }) => {
  needs('clock', 'keypad', 'lockTime');
  const lock = fleet.need('tolerant');
  const m = slotOf(await lockTime(ctl, lock)) + 4;
  const codes = new Map<number, string>();
  for (let d = -TOLERANT.behind - 1; d <= TOLERANT.ahead + 1; d++) codes.set(d, await codeOf(api, lock, m + d));
  for (const at of [m * SLOT_S, m * SLOT_S + 150, (m + 1) * SLOT_S - 1]) {
    await setLockTime(ctl, lock, at);
    // Interleaved so that at most one wrong code comes in a row.
    for (const [d, code] of codes) {
      const accept = d >= -TOLERANT.behind && d <= TOLERANT.ahead;
      expect(await ctl.keypad(lock, code), `slot m${d >= 0 ? '+' : ''}${d} at lock time ${at}`).toBe(accept ? 'ok' : 'bad_password');
    }
  }
});

test('property: a tolerant lock opens exactly inside the widened window', { tag: '@PWD-06' }, async ({ api, ctl, fleet, needs }) => {
  needs('clock', 'keypad', 'lockTime');
  await windowProperty(api, ctl, fleet.need('tolerant'), TOLERANT);
});

test('codes are reusable in their window; wrong codes in a row lock the keypad for 60 s of lock time', { tag: '@PWD-07' }, async ({ api, ctl, fleet, needs }) => {
  needs('clock', 'keypad', 'lockTime');
  const lock = fleet.need('main');
  const n = slotOf(await lockTime(ctl, lock)) + 1;
  const code = await codeOf(api, lock, n);
  const wrong = wrongOf(code);
  await setLockTime(ctl, lock, n * SLOT_S);
  expect(await ctl.keypad(lock, code), 'first use').toBe('ok');
  expect(await ctl.keypad(lock, code), 'reuse').toBe('ok');
  await setLockTime(ctl, lock, n * SLOT_S + 120);
  expect(await ctl.keypad(lock, code), 'reuse later in the window').toBe('ok');

  // attempts − 1 wrong codes do not lock; a right code resets the count, so it takes attempts *in a row*.
  for (let round = 0; round < 2; round++) {
    for (let i = 0; i < LOCKOUT.attempts - 1; i++) expect(await ctl.keypad(lock, wrong), `round ${round} wrong ${i + 1}`).toBe('bad_password');
    expect(await ctl.keypad(lock, code), `round ${round}: right code after ${LOCKOUT.attempts - 1} wrong`).toBe('ok');
  }

  for (let i = 0; i < LOCKOUT.attempts - 1; i++) expect(await ctl.keypad(lock, wrong), `wrong ${i + 1}`).toBe('bad_password');
  expect(['bad_password', 'locked_out'], `wrong ${LOCKOUT.attempts}`).toContain(await ctl.keypad(lock, wrong));
  const lockedAt = await lockTime(ctl, lock);
  expect(await ctl.keypad(lock, code), 'the right code during lockout').toBe('locked_out');
  const during = await api.stateGet(lock);
  expect(during).toBeOutcome('ok');
  expect(during.envelope?.data).toMatchObject({ online: true, is_abnormal: true });

  await setLockTime(ctl, lock, lockedAt + LOCKOUT.seconds - 1);
  expect(await ctl.keypad(lock, code), 'lockout − 1 s').toBe('locked_out');
  await setLockTime(ctl, lock, lockedAt + LOCKOUT.seconds);
  expect(await ctl.keypad(lock, code), 'lockout over').toBe('ok');
  const after = await api.stateGet(lock);
  expect(after).toBeOutcome('ok');
  expect(after.envelope?.data).toMatchObject({ online: true, is_abnormal: false });
});
