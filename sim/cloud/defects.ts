/**
 * Seeded cloud defects for the mutation catalogue (DESIGN §9): each one breaks one contract rule
 * so a conformance check can prove it notices. All are off unless named in `CloudOptions.defects`.
 */
export const CLOUD_DEFECTS = [
  /** Uppercase hex signs are accepted (DESIGN §5.1 refuses them). */
  'cloud-sign-uppercase',
  /** md5(C + "+" + secret) without the hour bucket is also accepted. */
  'cloud-sign-hourless',
  /** Any of the last 48 hour buckets is accepted. */
  'cloud-sign-any-hour',
  /** `img_code` is inside the signed content on /third/lock/open/face. */
  'cloud-sign-img-code',
  /** An unknown lock on /third/lock/get answers 200 with a made-up detail. */
  'cloud-unknown-lock-200',
  /** A lock without AP answers 360 instead of 362. */
  'cloud-360-for-362',
  /** time_sync/seq/get returns the same seq every time. */
  'cloud-seq-reuse',
  /** A failed pwd_add still stores the password in the cloud. */
  'cloud-keep-pwd-after-failed-write',
  /** Redelivered gateway events are pushed again (no event_id dedup). */
  'cloud-push-duplicate',
  /** A failed push is not retried. */
  'cloud-no-push-retry',
  /** pwd/get for a window already over answers 200. */
  'cloud-pwd-window-over-ok',
  /** The corp check (354) is skipped. */
  'cloud-no-corp-check',
  /** The face rate limit (327) is skipped. */
  'cloud-no-face-rate-limit',
  /** No in-flight check: concurrent commands to one lock are all sent. */
  'cloud-busy-ignored',
] as const;

/** The name of one seeded cloud defect. */
export type CloudDefect = (typeof CLOUD_DEFECTS)[number];

/**
 * A membership test over the defects switched on. Names of other rooms' defects are ignored (a
 * world may hand one list to every part); an unknown `cloud-*` name is refused, since a typo would
 * silently test nothing.
 */
export function defectSet(names: readonly string[] = []): (d: CloudDefect) => boolean {
  for (const n of names) {
    if (n.startsWith('cloud-') && !(CLOUD_DEFECTS as readonly string[]).includes(n)) throw new TypeError(`unknown cloud defect "${n}"`);
  }
  const on = new Set(names);
  return (d) => on.has(d);
}
