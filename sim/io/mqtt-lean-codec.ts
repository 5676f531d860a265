/**
 * The MQTT 3.1.1 packets a virtual gateway sends and receives (DESIGN §4), as bytes: pure encoders and a
 * decoder that reads one packet from a buffer and says when it needs more (STYLE §7: no I/O, no timers).
 * Only what a client meets from a broker decodes; anything else is an error naming what was wrong.
 */

/** What a broker sends a 3.1.1 client. */
export type ServerPacket =
  | { type: 'connack'; sessionPresent: boolean; returnCode: number }
  | { type: 'publish'; topic: string; payload: Buffer; qos: 0 | 1; retain: boolean; dup: boolean; messageId: number }
  | { type: 'puback'; messageId: number }
  | { type: 'suback'; messageId: number; granted: number[] }
  | { type: 'pingresp' };

/** One packet read (`size` bytes from the offset), more bytes needed, or bytes that are no packet we accept. */
export type Decoded = { ok: true; packet: ServerPacket; size: number } | { ok: 'partial' } | { ok: false; error: string };

const PARTIAL = { ok: 'partial' } as const;

/** CONNACK return codes of MQTT 3.1.1 §3.2.2.3, in mqtt.js's words (logs read the same as before). */
export const CONNACK_REFUSALS: Readonly<Record<number, string>> = {
  1: 'Unacceptable protocol version',
  2: 'Identifier rejected',
  3: 'Server unavailable',
  4: 'Bad username or password',
  5: 'Not authorized',
};

/** A SUBACK's failure code (MQTT 3.1.1 §3.9.3). */
export const SUBACK_FAILURE = 0x80;

export const PINGREQ = Buffer.from([0xc0, 0x00]);
export const DISCONNECT = Buffer.from([0xe0, 0x00]);

/** What a CONNECT says (MQTT 3.1.1 §3.1, protocol level 4). */
export interface ConnectFields {
  clientId: string;
  username?: string;
  password?: string;
  clean: boolean;
  keepaliveS: number;
  will?: { topic: string; payload: Buffer; qos: 0 | 1; retain: boolean };
}

/** A UTF-8 string with its two-byte length; the field is named when it does not fit. */
function utf8(s: string, field: string): Buffer {
  const b = Buffer.from(s, 'utf8');
  return lengthPrefixed(b, field);
}

function lengthPrefixed(b: Buffer, field: string): Buffer {
  if (b.length > 0xffff) throw new RangeError(`MQTT ${field} is ${b.length} bytes; at most 65535 fit (MQTT 3.1.1 §1.5.3)`);
  const out = Buffer.allocUnsafe(2 + b.length);
  out.writeUInt16BE(b.length, 0);
  b.copy(out, 2);
  return out;
}

/** The fixed header: type and flags, then the remaining length as 1–4 bytes of 7 bits (§2.2.3). */
function packet(first: number, parts: readonly Buffer[]): Buffer {
  let remaining = 0;
  for (const p of parts) remaining += p.length;
  if (remaining > 268_435_455) throw new RangeError(`MQTT packet of ${remaining} bytes is over the 256 MB the remaining length can say`);
  const header = [first];
  let n = remaining;
  do {
    const digit = n % 128;
    n = Math.floor(n / 128);
    header.push(n > 0 ? digit | 0x80 : digit);
  } while (n > 0);
  return Buffer.concat([Buffer.from(header), ...parts]);
}

export function encodeConnect(f: ConnectFields): Buffer {
  if (!Number.isInteger(f.keepaliveS) || f.keepaliveS < 0 || f.keepaliveS > 0xffff) throw new RangeError(`MQTT keepaliveS must be an integer 0–65535, got ${f.keepaliveS}`);
  // §3.1.2.9: a password needs a user name.
  if (f.password !== undefined && f.username === undefined) throw new RangeError('MQTT password given without a username (MQTT 3.1.1 §3.1.2.9)');
  let flags = f.clean ? 0x02 : 0;
  const payload = [utf8(f.clientId, 'clientId')];
  if (f.will) {
    flags |= 0x04 | (f.will.qos << 3) | (f.will.retain ? 0x20 : 0);
    payload.push(utf8(f.will.topic, 'will.topic'), lengthPrefixed(f.will.payload, 'will.payload'));
  }
  if (f.username !== undefined) {
    flags |= 0x80;
    payload.push(utf8(f.username, 'username'));
  }
  if (f.password !== undefined) {
    flags |= 0x40;
    payload.push(utf8(f.password, 'password'));
  }
  const variable = Buffer.from([0, 4, 0x4d, 0x51, 0x54, 0x54, 4, flags, f.keepaliveS >> 8, f.keepaliveS & 0xff]);
  return packet(0x10, [variable, ...payload]);
}

export function encodeSubscribe(messageId: number, topic: string, qos: 0 | 1): Buffer {
  return packet(0x82, [id(messageId), utf8(topic, 'subscribe topic'), Buffer.from([qos])]);
}

/** A PUBLISH; `messageId` only for QoS 1; `dup` marks a resend after a reconnect (§3.3.1.1). */
export function encodePublish(topic: string, payload: Buffer, qos: 0 | 1, retain: boolean, messageId: number, dup = false): Buffer {
  const first = 0x30 | (dup ? 0x08 : 0) | (qos << 1) | (retain ? 1 : 0);
  return packet(first, qos > 0 ? [utf8(topic, 'publish topic'), id(messageId), payload] : [utf8(topic, 'publish topic'), payload]);
}

/** The same PUBLISH with its DUP flag set, for a resend (§3.3.1.1). */
export function withDup(publish: Buffer): Buffer {
  const copy = Buffer.from(publish);
  copy[0] = copy[0]! | 0x08;
  return copy;
}

export function encodePuback(messageId: number): Buffer {
  return Buffer.from([0x40, 0x02, messageId >> 8, messageId & 0xff]);
}

function id(messageId: number): Buffer {
  return Buffer.from([messageId >> 8, messageId & 0xff]);
}

/** A packet's fixed header (§2.2): its first byte, its remaining length, and where its body starts. */
export type FixedHeader = { ok: true; first: number; remaining: number; bodyAt: number } | { ok: 'partial' } | { ok: false; error: string };

/** The fixed header at `offset`, `partial` until its length bytes are all there. */
export function readFixedHeader(buf: Buffer, offset: number): FixedHeader {
  let remaining = 0;
  let mult = 1;
  let at = offset + 1;
  for (;;) {
    if (at >= buf.length) return PARTIAL;
    const digit = buf[at++]!;
    remaining += (digit & 0x7f) * mult;
    if ((digit & 0x80) === 0) return { ok: true, first: buf[offset]!, remaining, bodyAt: at };
    mult *= 128;
    if (at - offset > 4) return { ok: false, error: 'remaining length longer than 4 bytes (MQTT 3.1.1 §2.2.3)' };
  }
}

/**
 * Read one packet at `offset`: `partial` while its bytes are not all there, an error for a length over
 * `maxBytes` (said from the header, before a byte of the body is kept) or bytes no broker sends a client.
 */
export function decodePacket(buf: Buffer, offset: number, maxBytes: number): Decoded {
  const h = readFixedHeader(buf, offset);
  if (h.ok !== true) return h;
  const { remaining, bodyAt } = h;
  if (remaining > maxBytes) return { ok: false, error: `remaining length ${remaining} is over the ${maxBytes}-byte limit` };
  if (buf.length - bodyAt < remaining) return PARTIAL;
  const read = readBody(h.first, buf.subarray(bodyAt, bodyAt + remaining));
  return typeof read === 'string' ? { ok: false, error: read } : { ok: true, packet: read, size: bodyAt - offset + remaining };
}

/** The packet of type/flags `first` with body `b`, or what is wrong with it. */
function readBody(first: number, b: Buffer): ServerPacket | string {
  const type = first >> 4;
  const flags = first & 0x0f;
  switch (type) {
    case 2:
      if (flags !== 0 || b.length !== 2) return `CONNACK with flags ${flags} and ${b.length} bytes (expected 0 and 2)`;
      return { type: 'connack', sessionPresent: (b[0]! & 1) === 1, returnCode: b[1]! };
    case 3:
      return readPublish(flags, b);
    case 4:
      if (flags !== 0 || b.length !== 2) return `PUBACK with flags ${flags} and ${b.length} bytes (expected 0 and 2)`;
      return { type: 'puback', messageId: b.readUInt16BE(0) };
    case 9:
      if (flags !== 0 || b.length < 3) return `SUBACK with flags ${flags} and ${b.length} bytes (expected 0 and at least 3)`;
      return { type: 'suback', messageId: b.readUInt16BE(0), granted: [...b.subarray(2)] };
    case 13:
      if (flags !== 0 || b.length !== 0) return `PINGRESP with flags ${flags} and ${b.length} bytes (expected 0 and 0)`;
      return { type: 'pingresp' };
    default:
      return `packet type ${type} is not one a broker sends this client`;
  }
}

function readPublish(flags: number, b: Buffer): ServerPacket | string {
  const qos = (flags >> 1) & 3;
  // §3.8.4: the broker delivers at most the granted QoS, and this client subscribes at QoS 1 or less.
  if (qos > 1) return `PUBLISH at QoS ${qos} on a subscription of QoS 1 at most`;
  if (b.length < 2) return `PUBLISH of ${b.length} bytes has no topic length`;
  const topicLength = b.readUInt16BE(0);
  const idBytes = qos > 0 ? 2 : 0;
  if (b.length < 2 + topicLength + idBytes) return `PUBLISH of ${b.length} bytes is shorter than its topic (${topicLength} bytes)${idBytes ? ' and message id' : ''}`;
  const topic = b.toString('utf8', 2, 2 + topicLength);
  const messageId = qos > 0 ? b.readUInt16BE(2 + topicLength) : 0;
  if (qos > 0 && messageId === 0) return 'PUBLISH at QoS 1 with message id 0 (MQTT 3.1.1 §2.3.1)';
  return { type: 'publish', topic, payload: b.subarray(2 + topicLength + idBytes), qos: qos as 0 | 1, retain: (flags & 1) === 1, dup: (flags & 8) === 8, messageId };
}
