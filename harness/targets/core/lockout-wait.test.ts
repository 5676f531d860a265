import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitOutLockout, type WaitClock } from './lockout-wait.ts';

// The settling wait for a lockout counted in the firmware's own time (DESIGN §5.4, §11), on a fake clock.

function fakeClock(): WaitClock & { slept: number } {
  let ms = 0;
  const c = { slept: 0, nowMs: () => ms, sleepMs: async (d: number) => void ((ms += d), (c.slept += d)) };
  return c;
}

test('tries once a second until the lockout is over, and no longer', async () => {
  const clock = fakeClock();
  let tries = 0;
  const attempt = async () => (++tries < 5 ? 'locked_out' : 'ok');
  assert.equal(await waitOutLockout('locked_out', attempt, (r) => r === 'locked_out', 10, clock), 'ok');
  assert.deepEqual({ tries, slept: clock.slept }, { tries: 5, slept: 5000 });
});

test('gives up at the bound with the last answer, and never waits when the first answer is free', async () => {
  const clock = fakeClock();
  assert.equal(await waitOutLockout('locked_out', async () => 'locked_out', (r) => r === 'locked_out', 3, clock), 'locked_out');
  assert.equal(clock.slept, 3000, 'bounded by 3 s');
  const quiet = fakeClock();
  assert.equal(await waitOutLockout('ok', async () => 'locked_out', (r) => r === 'locked_out', 3, quiet), 'ok');
  assert.equal(quiet.slept, 0);
});
