import { isUint32Id } from './uint.ts';
import { parseCommand, type LockOp } from './mqtt.ts';
import type { LockResult, TimeSyncResult } from './results.ts';

/**
 * lockwire, the serial protocol for lab locks (DESIGN §6). Pure: no I/O, no timers.
 * Frame: 0x7E | ver 0x01 | seq u8 | type u8 | len u16 BE | payload | crc u16 BE,
 * crc = CRC-16/CCITT-FALSE over ver … payload.
 */
export const LOCKWIRE_START = 0x7e;
export const LOCKWIRE_VERSION = 0x01;
/** Largest payload a frame may carry, in bytes (DESIGN §6). */
export const LOCKWIRE_MAX_PAYLOAD = 1024;
const HEADER = 6;
const TRAILER = 2;

/** Frame types (DESIGN §6). */
export const FRAME_TYPE = { request: 1, response: 2, event: 3, eventAck: 4 } as const;

export type JsonObject = Record<string, unknown>;

/** Host → lock: `{"op": OP, ...args}` (the lock also accepts `{"op", "args": {...}}`). */
export interface RequestFrame { seq: number; type: 1; payload: JsonObject }
/** Lock → host, same seq as the request: `{"result", "data"}`. */
export interface ResponseFrame { seq: number; type: 2; payload: JsonObject }
/** Lock → host: a §4 event body without `event_id`. */
export interface EventFrame { seq: number; type: 3; payload: JsonObject }
/** Host → lock, the event's seq. */
export interface EventAckFrame { seq: number; type: 4; payload: JsonObject }

export type Frame = RequestFrame | ResponseFrame | EventFrame | EventAckFrame;
export type FrameType = Frame['type'];

/** Why bytes did not decode to a frame. `incomplete` is not an error of the bytes: more are needed. */
export type FrameError = 'no_start' | 'incomplete' | 'bad_header' | 'bad_length' | 'bad_crc' | 'bad_json';

export type DecodeResult = { ok: true; frame: Frame; rest: Buffer } | { ok: false; error: FrameError };

/** CRC-16/CCITT-FALSE: poly 0x1021, init 0xFFFF, no reflection, no final xor. */
export function crc16ccittFalse(bytes: Uint8Array): number {
  let crc = 0xffff;
  for (const b of bytes) {
    crc ^= b << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

const isFrameType = (t: number): t is FrameType => t >= 1 && t <= 4;

/** Encode a frame; the payload is serialized with JSON.stringify (insertion key order). Throws on a programming error. */
export function encodeFrame(frame: { seq: number; type: FrameType; payload: JsonObject }): Buffer {
  if (!Number.isInteger(frame.seq) || frame.seq < 0 || frame.seq > 0xff) throw new RangeError('seq must be a u8');
  if (!isFrameType(frame.type)) throw new RangeError('type must be 1…4');
  const payload = Buffer.from(JSON.stringify(frame.payload), 'utf8');
  if (payload.length > LOCKWIRE_MAX_PAYLOAD) throw new RangeError(`payload is ${payload.length} bytes, max ${LOCKWIRE_MAX_PAYLOAD}`);
  const out = Buffer.alloc(HEADER + payload.length + TRAILER);
  out[0] = LOCKWIRE_START;
  out[1] = LOCKWIRE_VERSION;
  out[2] = frame.seq;
  out[3] = frame.type;
  out.writeUInt16BE(payload.length, 4);
  payload.copy(out, HEADER);
  out.writeUInt16BE(crc16ccittFalse(out.subarray(1, HEADER + payload.length)), HEADER + payload.length);
  return out;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function parsePayload(bytes: Uint8Array): JsonObject | null {
  let v: unknown;
  try {
    v = JSON.parse(utf8.decode(bytes));
  } catch {
    return null;
  }
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as JsonObject) : null;
}

/**
 * Decode the frame at the start of `buf` (which must begin with 0x7E). The header is judged as
 * soon as it is there, so a bad version, type or length is refused without waiting for its payload.
 */
export function decodeFrame(buf: Buffer): DecodeResult {
  if (buf.length === 0) return { ok: false, error: 'incomplete' };
  if (buf[0] !== LOCKWIRE_START) return { ok: false, error: 'no_start' };
  if (buf.length >= 2 && buf[1] !== LOCKWIRE_VERSION) return { ok: false, error: 'bad_header' };
  if (buf.length >= 4 && !isFrameType(buf[3]!)) return { ok: false, error: 'bad_header' };
  if (buf.length < HEADER) return { ok: false, error: 'incomplete' };
  const len = buf.readUInt16BE(4);
  if (len > LOCKWIRE_MAX_PAYLOAD) return { ok: false, error: 'bad_length' };
  const end = HEADER + len + TRAILER;
  if (buf.length < end) return { ok: false, error: 'incomplete' };
  if (crc16ccittFalse(buf.subarray(1, HEADER + len)) !== buf.readUInt16BE(HEADER + len)) return { ok: false, error: 'bad_crc' };
  const payload = parsePayload(buf.subarray(HEADER, HEADER + len));
  if (!payload) return { ok: false, error: 'bad_json' };
  const frame = { seq: buf[2]!, type: buf[3] as FrameType, payload } as Frame;
  return { ok: true, frame, rest: buf.subarray(end) };
}

/** What the streaming reader dropped, by reason (DESIGN §6 "dropped and counted"). */
export interface FrameReaderStats {
  /** Bytes skipped while hunting for 0x7E (including bytes rescanned after a bad frame). */
  garbageBytes: number;
  badCrc: number;
  badLength: number;
  badJson: number;
  /** A 0x7E followed by an unknown version or frame type. */
  badHeader: number;
  frames: number;
}

/**
 * Streaming lockwire reader: survives garbage before 0x7E, bad CRC/length/JSON, split and
 * coalesced reads. After a bad frame it rescans from the byte after that frame's 0x7E, so a
 * valid frame hidden behind a false start is never lost.
 */
export class FrameReader {
  readonly stats: FrameReaderStats = { garbageBytes: 0, badCrc: 0, badLength: 0, badJson: 0, badHeader: 0, frames: 0 };
  private buf: Buffer = Buffer.alloc(0);

  /** Feed received bytes; returns every frame they complete, in order. */
  push(chunk: Uint8Array): Frame[] {
    return this.pushWithBytes(chunk).map((r) => r.frame);
  }

  /** Like `push`, with each frame's bytes as received (for wire logs). */
  pushWithBytes(chunk: Uint8Array): Array<{ frame: Frame; bytes: Buffer }> {
    this.buf = this.buf.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buf, chunk]);
    const out: Array<{ frame: Frame; bytes: Buffer }> = [];
    for (;;) {
      this.skipToStart();
      if (this.buf.length === 0) break;
      const r = decodeFrame(this.buf);
      if (r.ok) {
        this.stats.frames++;
        out.push({ frame: r.frame, bytes: Buffer.from(this.buf.subarray(0, this.buf.length - r.rest.length)) });
        this.buf = r.rest;
        continue;
      }
      if (r.error === 'incomplete') {
        // A false start (a stray 0x7E in garbage) would hold back a complete frame behind it
        // until its declared length arrives; if a later 0x7E starts a complete valid frame, the
        // pending start was garbage.
        const later = this.completeFrameAfterStart();
        if (later < 0) break;
        this.stats.garbageBytes += later;
        this.buf = this.buf.subarray(later);
        continue;
      }
      this.count(r.error);
      this.buf = this.buf.subarray(1);
    }
    return out;
  }

  /** Drop a partial frame (e.g. after the port was re-opened); stats are kept. */
  reset(): void {
    this.buf = Buffer.alloc(0);
  }

  /** Bytes held waiting for the rest of a frame. */
  get pendingBytes(): number {
    return this.buf.length;
  }

  private skipToStart(): void {
    const i = this.buf.indexOf(LOCKWIRE_START);
    const skip = i < 0 ? this.buf.length : i;
    if (skip === 0) return;
    this.stats.garbageBytes += skip;
    this.buf = this.buf.subarray(skip);
  }

  private completeFrameAfterStart(): number {
    for (let i = this.buf.indexOf(LOCKWIRE_START, 1); i > 0; i = this.buf.indexOf(LOCKWIRE_START, i + 1)) {
      if (decodeFrame(this.buf.subarray(i)).ok) return i;
    }
    return -1;
  }

  private count(error: Exclude<FrameError, 'incomplete'>): void {
    if (error === 'bad_crc') this.stats.badCrc++;
    else if (error === 'bad_length') this.stats.badLength++;
    else if (error === 'bad_json') this.stats.badJson++;
    else this.stats.badHeader++;
  }
}

/** Frame bytes as lowercase hex, for wire logs. */
export function frameHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

// ---- payloads -------------------------------------------------------------------------------

/** A result a lock may answer over lockwire: a §4 RESULT, or a time-sync result. */
export type WireResult = LockResult | TimeSyncResult;

/** A response payload (DESIGN §6 `{"result", "data"}`). */
export interface WireAnswer {
  result: WireResult;
  data: JsonObject;
}

/** `info`'s ok data (DESIGN §6). */
export interface DeviceInfo {
  lock_id: number;
  mac: string;
  firmware_ver: string;
  caps: string[];
}

/** Read `info`'s data (DESIGN §6). */
export function parseDeviceInfo(data: JsonObject): DeviceInfo | string {
  const { lock_id, mac, firmware_ver, caps } = data;
  if (!isUint32Id(lock_id)) return 'lock_id must be a uint32';
  if (typeof mac !== 'string' || typeof firmware_ver !== 'string') return 'mac and firmware_ver must be strings';
  if (!Array.isArray(caps) || !caps.every((c) => typeof c === 'string')) return 'caps must be a list of strings';
  return { lock_id: lock_id as number, mac, firmware_ver, caps: caps as string[] };
}

/** A decoded request: op, its arguments, and the lock id when the sender named one. */
export interface WireRequest {
  op: string;
  args: JsonObject;
  lockId?: number;
}

/**
 * Build a request payload in the DESIGN §6 form `{"op": OP, ...args}` (flattened). An `op` key
 * inside args cannot override the op.
 */
export function requestPayload(op: string, args: JsonObject = {}): JsonObject {
  return { ...args, op };
}

/**
 * Read a request payload. Accepts the DESIGN §6 flattened form and the vectors' form
 * `{"op", "lock_id", "args": {...}}`: if `args` is an object it holds the arguments, else the
 * other top-level fields do.
 */
export function parseRequest(payload: JsonObject): WireRequest | string {
  const { op, args, lock_id, ...rest } = payload;
  if (typeof op !== 'string' || op.length === 0) return 'op must be a non-empty string';
  const badId = lock_id !== undefined && !isUint32Id(lock_id);
  if (badId) return 'lock_id must be a uint32';
  const isObj = args !== null && typeof args === 'object' && !Array.isArray(args);
  const req: WireRequest = { op, args: isObj ? (args as JsonObject) : rest };
  if (lock_id !== undefined) req.lockId = lock_id as number;
  return req;
}

const GATEWAY_OPS = new Set(['unlock', 'state', 'pwd_add', 'pwd_del', 'pwd_unlock']);

/** The §4 gateway op a request carries, validated like an MQTT `cmd`; null if it is not a gateway op. */
export function toLockOp(req: WireRequest, lockId: number): LockOp | string | null {
  if (!GATEWAY_OPS.has(req.op)) return null;
  const parsed = parseCommand(JSON.stringify({ id: 'lockwire', lock_id: lockId, op: req.op, args: req.args }));
  if (!parsed.ok) return parsed.error;
  const { id: _id, lock_id: _lockId, ...op } = parsed.value;
  return op as LockOp;
}

const WIRE_RESULTS: ReadonlySet<string> = new Set<WireResult>([
  'ok', 'unreachable', 'busy', 'jammed', 'low_battery', 'bad_password', 'expired', 'no_time', 'locked_out', 'full',
  'error', 'replay', 'bad_key',
]);

/** Read a response payload; a missing `data` is `{}`. */
export function parseResponse(payload: JsonObject): WireAnswer | string {
  if (typeof payload.result !== 'string' || !WIRE_RESULTS.has(payload.result)) return 'result is not a known RESULT';
  const data = payload.data ?? {};
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return 'data must be an object';
  return { result: payload.result as WireResult, data: data as JsonObject };
}
