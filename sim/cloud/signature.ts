import { createHash } from 'node:crypto';
import { hourBucket, safeEqual, signBody, signedContent, verifySign, type Body } from '../protocol/index.ts';
import type { CloudDefect } from '../defects.ts';

/** Hour buckets the `cloud-sign-any-hour` defect accepts: the current one and the 47 before it. */
const ANY_HOUR_BUCKETS = 48;

/**
 * Whether `sign` is valid for the body at world time w (DESIGN §5.1, §3.2 step 3). The contract
 * path is `verifySign` (constant-time, skew buckets, lowercase only); the seeded defects widen it.
 */
export function signatureValid(
  body: Body, sign: string, secret: string, w: number, skewS: number, exclude: readonly string[],
  has: (d: CloudDefect) => boolean,
): boolean {
  const candidate = has('cloud-sign-uppercase') ? sign.toLowerCase() : sign;
  let ok = verifySign(body, candidate, secret, w, skewS, exclude);
  if (has('cloud-sign-hourless')) {
    const hourless = createHash('md5').update(`${signedContent(body, exclude)}+${secret}`, 'utf8').digest('hex');
    if (safeEqual(hourless, candidate)) ok = true;
  }
  if (has('cloud-sign-any-hour')) {
    const now = hourBucket(w);
    for (let b = now - ANY_HOUR_BUCKETS + 1; b <= now; b++) {
      if (safeEqual(signBody(body, secret, b * 3600, exclude), candidate)) ok = true;
    }
  }
  return ok;
}
