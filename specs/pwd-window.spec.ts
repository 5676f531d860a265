import fc from 'fast-check';
import { test, expect, expectLockoutEnds, FC_RUNS, startLockout } from '../harness/fixtures/index.ts';
import { SLOT_S, slotOf, slotWindow } from '../sim/protocol/index.ts';
import type { ApiClient } from '../harness/client/api-client.ts';
import type { ClockFacet, LockWith } from '../harness/targets/core/facets.ts';

// TEST-PLAN PWD-05…PWD-07 — the lock side of temporary passwords: acceptance at the lock's own
// clock (DESIGN §5.2), tolerance, reuse and keypad lockout (§5.4).

/** The tolerant role's declared tolerance (the tolerant role in fixtures/fleet.json). */
const TOLERANT = { behind: 1, ahead: 1 };

type Lock = LockWith<'time' | 'setTime' | 'keypad' | 'codeOf'>;
const PARTS = ['time', 'setTime', 'keypad', 'codeOf'] as const;

/** The cloud's temporary password of `slot` (its window must not be over in world time), checked against the lock's own secret. */
async function codeOf(api: ApiClient, lock: Lock, slot: number): Promise<string> {
  const res = await api.pwdGet(lock.id, slot * SLOT_S, 300);
  expect(res, `pwd/get lock ${lock.id} slot ${slot}`).toBeOutcome('ok');
  const p = res.envelope?.data?.password;
  expect(p).toMatch(/^\d{6}$/);
  expect(p, 'the code computed from the lock secret (DESIGN §5.2)').toBe(lock.codeOf(slot));
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
async function windowProperty(api: ApiClient, clock: ClockFacet, lock: Lock, tol: { behind: number; ahead: number }): Promise<void> {
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 0, max: 3 }), fc.integer({ min: -(tol.ahead + 1) * SLOT_S, max: (tol.behind + 2) * SLOT_S - 1 }), async (j, off) => {
      const n = slotOf(await lock.time()) + 2 + tol.ahead + j;
      const code = await codeOf(api, lock, n);
      const target = n * SLOT_S + off;
      await lock.setTime(target);
      const accept = (n - tol.ahead) * SLOT_S <= target && target < (n + tol.behind + 1) * SLOT_S;
      expect(await lock.keypad(code), `code of slot ${n} at lock time ${target}`).toBe(accept ? 'ok' : 'bad_password');
      if (!accept) expect(await lock.keypad(await codeOf(api, lock, slotOf(await clock.now()))), 'current code').toBe('ok');
    }),
    FC_RUNS,
  );
}

test('the lock accepts a code from its slot start to end − 1 s of its own clock, not a second outside', { tag: '@PWD-05' }, async ({ api, clock, locks }) => {
  const lock = locks.get('main', ...PARTS);
  const n = slotOf(await lock.time()) + 1;
  const code = await codeOf(api, lock, n);
  const { start, end } = slotWindow(n);
  // A success between the two refusals resets the wrong count, so no lockout interferes.
  // On a running device clock setTime leaves the lock inside the second (DESIGN §11 "Real time").
  await lock.setTime(start - 1);
  expect(await lock.keypad(code), 'slot start − 1 s').toBe('bad_password');
  await lock.setTime(start);
  expect(await lock.keypad(code), 'slot start').toBe('ok');
  await lock.setTime(end - 1);
  expect(await lock.keypad(code), 'slot end − 1 s').toBe('ok');
  await lock.setTime(end);
  expect(await lock.keypad(code), 'slot end').toBe('bad_password');
});

test('property: a lock without tolerance opens exactly inside [n·300, n·300 + 300)', { tag: '@PWD-05' }, async ({ api, clock, locks }) => {
  await windowProperty(api, clock, locks.get('main', ...PARTS), { behind: 0, ahead: 0 });
});

test('a tolerant lock accepts exactly the widened window of a code', { tag: '@PWD-06' }, async ({ api, clock, locks }) => {
  const lock = locks.get('tolerant', ...PARTS);
  expect(lock.tolerance).toEqual(TOLERANT);
  const n = slotOf(await lock.time()) + 3;
  const code = await codeOf(api, lock, n);
  // Slot n is accepted while floor(L/300) ∈ [n − ahead, n + behind] (DESIGN §5.2).
  const first = (n - TOLERANT.ahead) * SLOT_S;
  const end = (n + TOLERANT.behind + 1) * SLOT_S;
  await lock.setTime(first - 1);
  expect(await lock.keypad(code), 'widened start − 1 s').toBe('bad_password');
  await lock.setTime(first);
  expect(await lock.keypad(code), 'widened start').toBe('ok');
  await lock.setTime(n * SLOT_S - 1);
  expect(await lock.keypad(code), 'own slot start − 1 s').toBe('ok');
  await lock.setTime((n + 1) * SLOT_S);
  expect(await lock.keypad(code), 'own slot end').toBe('ok');
  await lock.setTime(end - 1);
  expect(await lock.keypad(code), 'widened end − 1 s').toBe('ok');
  await lock.setTime(end);
  expect(await lock.keypad(code), 'widened end').toBe('bad_password');
});

test('a tolerant lock accepts behind..ahead slots around its own and refuses one more on each side', { tag: '@PWD-06' }, async ({ api, clock, locks }) => {
  const lock = locks.get('tolerant', ...PARTS);
  expect(lock.tolerance).toEqual(TOLERANT);
  const m = slotOf(await lock.time()) + 4;
  const codes = new Map<number, string>();
  for (let d = -TOLERANT.behind - 1; d <= TOLERANT.ahead + 1; d++) codes.set(d, await codeOf(api, lock, m + d));
  for (const at of [m * SLOT_S, m * SLOT_S + 150, (m + 1) * SLOT_S - 1]) {
    await lock.setTime(at);
    // Interleaved so that at most one wrong code comes in a row.
    for (const [d, code] of codes) {
      const accept = d >= -TOLERANT.behind && d <= TOLERANT.ahead;
      expect(await lock.keypad(code), `slot m${d >= 0 ? '+' : ''}${d} at lock time ${at}`).toBe(accept ? 'ok' : 'bad_password');
    }
  }
});

test('property: a tolerant lock opens exactly inside the widened window', { tag: '@PWD-06' }, async ({ api, clock, locks }) => {
  const lock = locks.get('tolerant', ...PARTS);
  expect(lock.tolerance, 'the tolerant lock declares {behind: 1, ahead: 1}').toEqual(TOLERANT);
  await windowProperty(api, clock, lock, TOLERANT);
});

test('codes are reusable in their window; wrong codes in a row lock the keypad for lockout.seconds, then it works again', { tag: '@PWD-07' }, async ({ api, clock, locks }) => {
  const lock = locks.get('main', ...PARTS);
  const LOCKOUT = lock.lockout;
  const n = slotOf(await lock.time()) + 1;
  const code = await codeOf(api, lock, n);
  const wrong = wrongOf(code);
  await lock.setTime(n * SLOT_S);
  expect(await lock.keypad(code), 'first use').toBe('ok');
  expect(await lock.keypad(code), 'reuse').toBe('ok');
  await lock.setTime(n * SLOT_S + 120);
  expect(await lock.keypad(code), 'reuse later in the window').toBe('ok');

  // attempts − 1 wrong codes do not lock; a right code resets the count, so it takes attempts *in a row*.
  for (let round = 0; round < 2; round++) {
    for (let i = 0; i < LOCKOUT.attempts - 1; i++) expect(await lock.keypad(wrong), `round ${round} wrong ${i + 1}`).toBe('bad_password');
    expect(await lock.keypad(code), `round ${round}: right code after ${LOCKOUT.attempts - 1} wrong`).toBe('ok');
  }

  for (let i = 0; i < LOCKOUT.attempts - 1; i++) expect(await lock.keypad(wrong), `wrong ${i + 1}`).toBe('bad_password');
  const start = await startLockout(lock, () => lock.keypad(wrong));
  expect(['bad_password', 'locked_out'], `wrong ${LOCKOUT.attempts}`).toContain(start.result);
  expect(await lock.keypad(code), 'the right code during lockout').toBe('locked_out');
  const during = await api.stateGet(lock.id);
  expect(during).toBeOutcome('ok');
  expect(during.envelope?.data).toMatchObject({ online: true, is_abnormal: true });

  // In lock time (DESIGN §5.4), exactly; a real-time lock that counts it otherwise is waited out (§11).
  await expectLockoutEnds(lock, start, { what: 'the right code', read: () => lock.keypad(code), locked: 'locked_out', free: 'ok' });
  const after = await api.stateGet(lock.id);
  expect(after).toBeOutcome('ok');
  expect(after.envelope?.data).toMatchObject({ online: true, is_abnormal: false });
});
