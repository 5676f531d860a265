/** A bounded wait ran out (STYLE §18); names what was awaited. */
export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

/** Settle with `p`, or reject with a `TimeoutError` after `ms` real milliseconds. */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
