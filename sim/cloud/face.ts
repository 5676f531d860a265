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
 */
export async function verifyFace(baseUrl: string, query: FaceQuery, timeoutMs: number, closing: AbortSignal): Promise<FaceVerdict> {
  try {
    const res = await fetch(`${baseUrl.replace(/\/+$/, '')}/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(query),
      signal: AbortSignal.any([closing, AbortSignal.timeout(timeoutMs)]),
    });
    const text = await res.text();
    if (res.status < 200 || res.status > 299) return { ok: false, error: `provider answered HTTP ${res.status}` };
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
