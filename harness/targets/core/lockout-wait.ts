/**
 * The one way a target's settling waits out a keypad lockout counted in the firmware's own time
 * (DESIGN §5.4, §11): try once a second until the answer is no longer "locked out", bounded by the
 * lockout's seconds plus a slack; the last answer tells the caller what was left.
 */
export interface WaitClock {
  /** Real milliseconds (transport time, not world time). */
  nowMs(): number;
  sleepMs(ms: number): Promise<void>;
}

export const REAL_TIME: WaitClock = {
  nowMs: () => performance.now(),
  sleepMs: (ms) => new Promise((r) => setTimeout(r, ms)),
};

/** `attempt` again every second while `lockedOut(answer)`, for at most `boundS` seconds; the last answer. */
export async function waitOutLockout<T>(first: T, attempt: () => Promise<T>, lockedOut: (answer: T) => boolean, boundS: number, clock: WaitClock = REAL_TIME): Promise<T> {
  const deadline = clock.nowMs() + boundS * 1000;
  let answer = first;
  while (lockedOut(answer) && clock.nowMs() < deadline) {
    await clock.sleepMs(1000);
    answer = await attempt();
  }
  return answer;
}
