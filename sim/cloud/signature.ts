import { createHash } from 'node:crypto';
import { hourBucket, safeEqual, signBody, signedContent, verifySign, type Body } from '../protocol/index.ts';

/** Hour buckets the any-hour widening accepts: the current one and the 47 before it. */
const ANY_HOUR_BUCKETS = 48;

/** Whether `sign` is valid for the body at world time w, with `exclude`d fields unsigned (DESIGN §5.1, §3.2 step 3). */
export type SignatureCheck = (body: Body, sign: string, secret: string, w: number, skewS: number, exclude: readonly string[]) => boolean;

/** The contract path: `verifySign` (constant time, the hour buckets within the skew, lowercase hex only). */
export const signatureValid: SignatureCheck = (body, sign, secret, w, skewS, exclude) => verifySign(body, sign, secret, w, skewS, exclude);

/*
 * The seeded defects of the signature (`sim/cloud/seeded.ts` says which is which) each take the
 * contract check and return a wider one: the contract runs first and the defect wraps it.
 */

/** Also accepts the signature in uppercase hex. */
export const widenToUppercase = (valid: SignatureCheck): SignatureCheck => (body, sign, ...rest) => valid(body, sign.toLowerCase(), ...rest);

/** Also accepts MD5(C + "+" + secret), the hour left out. */
export const widenToHourless = (valid: SignatureCheck): SignatureCheck => (body, sign, secret, w, skewS, exclude) => {
  const contract = valid(body, sign, secret, w, skewS, exclude);
  const hourless = createHash('md5').update(`${signedContent(body, exclude)}+${secret}`, 'utf8').digest('hex');
  return safeEqual(hourless, sign) || contract;
};

/** Also accepts any of the last 48 hour buckets. */
export const widenToAnyHour = (valid: SignatureCheck): SignatureCheck => (body, sign, secret, w, skewS, exclude) => {
  let ok = valid(body, sign, secret, w, skewS, exclude);
  const now = hourBucket(w);
  for (let b = now - ANY_HOUR_BUCKETS + 1; b <= now; b++) {
    if (safeEqual(signBody(body, secret, b * 3600, exclude), sign)) ok = true;
  }
  return ok;
};
