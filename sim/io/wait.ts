import { TimeoutError } from './timeout.ts';

/** How a bounded wait polls (real milliseconds; STYLE §18). */
export interface WaitOptions {
  /** Give up after this many real ms. */
  timeoutMs: number;
  /** Poll every this many real ms; default 10. */
  intervalMs?: number;
  /** What was seen instead, added to the timeout's message (read once, at the timeout). */
  seen?: () => string;
}

/**
 * Poll `cond` until it holds, at most `timeoutMs` (STYLE §16, §18). The caller's stack is captured
 * here, at creation, so a timeout points at the line that waited and says what it waited for.
 * `cond` may be async; a value other than `undefined`/`false` ends the wait and is returned.
 */
export async function waitUntil<T>(what: string, cond: () => T | false | undefined | Promise<T | false | undefined>, opts: WaitOptions): Promise<T> {
  const failure = new TimeoutError(`timed out after ${opts.timeoutMs} ms waiting for ${what}`);
  Error.captureStackTrace(failure, waitUntil);
  const intervalMs = opts.intervalMs ?? 10;
  const deadline = performance.now() + opts.timeoutMs;
  for (;;) {
    const got = await cond();
    if (got !== undefined && got !== false) return got;
    const left = deadline - performance.now();
    if (left <= 0) {
      if (opts.seen) failure.message += `; ${opts.seen()}`;
      throw failure;
    }
    await new Promise((r) => setTimeout(r, Math.min(intervalMs, left)));
  }
}
