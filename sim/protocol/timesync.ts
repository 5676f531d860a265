import { createHmac } from 'node:crypto';

function u32be(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

/** First 4 bytes of HMAC-SHA256(key, msg), big-endian (DESIGN §5.3). */
export function prf32(secretHex: string, msg: Buffer): number {
  return createHmac('sha256', Buffer.from(secretHex, 'hex')).update(msg).digest().readUInt32BE(0);
}

function mask1(secretHex: string, seq: number): number {
  return prf32(secretHex, Buffer.concat([Buffer.from('kx-ts1'), u32be(seq)]));
}

function key2Of(secretHex: string, lockId: number, seq: number, key1: number): number {
  return prf32(secretHex, Buffer.concat([Buffer.from('kx-ts2'), u32be(lockId), u32be(seq), u32be(key1)]));
}

/** The keys the cloud issues for (lock, seq) at `serverTime`. */
export function timeSyncKeys(secretHex: string, lockId: number, seq: number, serverTime: number): { key1: number; key2: number } {
  const key1 = (Math.floor(serverTime) ^ mask1(secretHex, seq)) >>> 0;
  return { key1, key2: key2Of(secretHex, lockId, seq, key1) };
}

/** What a lock makes of keys carried to it: the server time, or a forged key2. */
export type TimeSyncDecode = { ok: true; serverTime: number } | { ok: false; reason: 'bad_key' };

/** Check key2 and recover the server time from key1. */
export function decodeTimeSync(secretHex: string, lockId: number, seq: number, key1: number, key2: number): TimeSyncDecode {
  if (key2Of(secretHex, lockId, seq, key1) !== key2 >>> 0) return { ok: false, reason: 'bad_key' };
  return { ok: true, serverTime: (key1 ^ mask1(secretHex, seq)) >>> 0 };
}
