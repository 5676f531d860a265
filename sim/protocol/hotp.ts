import { createHmac } from 'node:crypto';

/** Length of a temporary-password slot in seconds (DESIGN §5.2). */
export const SLOT_S = 300;

/** The 300 s slot that contains unix time t. */
export function slotOf(t: number): number {
  return Math.floor(t / SLOT_S);
}

/** RFC 4226 HOTP, 6 digits, over an 8-byte big-endian counter. */
export function hotp6(secretHex: string, counter: number): string {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', Buffer.from(secretHex, 'hex')).update(msg).digest();
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  const code = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(code % 1_000_000).padStart(6, '0');
}

/** The temporary password of the slot containing `effectiveAt`. */
export function tempPassword(secretHex: string, effectiveAt: number): string {
  return hotp6(secretHex, slotOf(effectiveAt));
}

/** The slot window `[start, end)` in unix seconds. */
export function slotWindow(slot: number): { start: number; end: number } {
  return { start: slot * SLOT_S, end: slot * SLOT_S + SLOT_S };
}
