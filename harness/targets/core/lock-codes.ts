import { hotp6, slotOf } from '../../../sim/protocol/index.ts';

/** DESIGN §5.2: the temporary password of `slot`, from the lock's own secret. */
export function codeOf(secretHex: string, slot: number): string {
  return hotp6(secretHex, slot);
}

/**
 * A 6-digit code that no slot within `reach` slots of lock time `t` accepts and that is not one of
 * `taken` (so a test typing it gets `bad_password`, whatever tolerance the lock declares up to `reach`).
 */
export function wrongCode(secretHex: string, t: number, taken: readonly string[] = [], reach = 2): string {
  const near = new Set(taken);
  for (let d = -reach; d <= reach; d++) near.add(hotp6(secretHex, slotOf(t) + d));
  for (let digit = 0; digit < 10; digit++) {
    const c = String(digit).repeat(6);
    if (!near.has(c)) return c;
  }
  throw new Error('no wrong code among 000000…999999: more than 10 codes are taken');
}

/**
 * The code parts of a lock handle whose secret is known (`codeOf`, `wrongCode`): one definition for every
 * target. `tolerance` widens how far a wrong code keeps from the accepted slots (DESIGN §5.2 "behind/ahead").
 */
export function codeParts(secretHex: string, tolerance = { behind: 0, ahead: 0 }): {
  codeOf: (slot: number) => string;
  wrongCode: (t: number, taken?: readonly string[]) => string;
} {
  const reach = Math.max(2, tolerance.behind + 1, tolerance.ahead + 1);
  return { codeOf: (slot) => codeOf(secretHex, slot), wrongCode: (t, taken) => wrongCode(secretHex, t, taken, reach) };
}
