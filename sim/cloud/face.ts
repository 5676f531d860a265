import { request } from 'undici';

/** What the face provider said (DESIGN §5.6): a similarity 0…100, or that it failed. */
export type FaceVerdict = { ok: true; similarity: number } | { ok: false; error: string };

/** The provider's input. */
export interface FaceQuery {
  name: string;
  id_num: string;
  image_base64: string;
}

/**
 * POST `{baseUrl}/verify` with `{name, id_num, image_base64}` and read `{similarity}`. A non-2xx
 * answer, a timeout (`timeoutMs`, real time), a bad body or an abort by `closing` is a failure.
 * Sent with undici's `request` on the global dispatcher: specs substitute the provider with nock,
 * which intercepts it and passes other hosts through (nock 15.0.0 breaks passthrough of `fetch`
 * POSTs with a body on Node 20: "TypeError: unusable").
 */
export async function verifyFace(baseUrl: string, query: FaceQuery, timeoutMs: number, closing: AbortSignal): Promise<FaceVerdict> {
  const signal = AbortSignal.any([closing, AbortSignal.timeout(timeoutMs)]);
  // Raced as well as passed on: an interposed dispatcher (nock's delay) may ignore the signal.
  const aborted = new Promise<never>((_, reject) => {
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
  aborted.catch(() => undefined);
  try {
    const res = await Promise.race([
      request(`${baseUrl.replace(/\/+$/, '')}/verify`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(query),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        signal,
      }),
      aborted,
    ]);
    const text = await Promise.race([res.body.text(), aborted]);
    if (res.statusCode < 200 || res.statusCode > 299) return { ok: false, error: `provider answered HTTP ${res.statusCode}` };
    const body: unknown = JSON.parse(text);
    const similarity = (body as { similarity?: unknown } | null)?.similarity;
    if (typeof similarity !== 'number' || !(similarity >= 0 && similarity <= 100)) return { ok: false, error: 'provider answered no similarity' };
    return { ok: true, similarity };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.name : 'provider failed' };
  }
}

/** Most distinct (lock_id, id_num) keys remembered; the oldest is forgotten beyond it. */
const KEYS_KEPT = 10_000;

/**
 * Face attempts per (lock_id, id_num) in world time (DESIGN §5.6): more than `max` attempts within
 * the last `perS` seconds are refused, and a refused attempt is not recorded.
 */
export class FaceRateLimiter {
  private readonly attempts = new Map<string, number[]>();

  constructor(private readonly max: number, private readonly perS: number) {}

  /** Forget every attempt (a world reset between tests). */
  reset(): void {
    this.attempts.clear();
  }

  /** Record an attempt at world time w, or refuse it (false) when the window is full. */
  tryAttempt(lockId: number, idNum: string, w: number): boolean {
    const key = `${lockId}/${idNum.toUpperCase()}`;
    const recent = (this.attempts.get(key) ?? []).filter((t) => t > w - this.perS && t <= w);
    if (recent.length >= this.max) {
      this.attempts.set(key, recent);
      return false;
    }
    recent.push(w);
    this.attempts.delete(key);
    this.attempts.set(key, recent);
    if (this.attempts.size > KEYS_KEPT) this.attempts.delete(this.attempts.keys().next().value as string);
    return true;
  }
}
