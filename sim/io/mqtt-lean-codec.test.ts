import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodePacket, encodeConnect, encodePublish, encodeSubscribe, withDup, type Decoded, type ServerPacket } from './mqtt-lean-codec.ts';

const MAX = 1 << 20;

/** A PUBLISH as a broker sends it (the encoder writes the same layout for both directions). */
const publish = (topic: string, body: string, qos: 0 | 1, id = 0): Buffer => encodePublish(topic, Buffer.from(body), qos, false, id);
const CONNACK_OK = Buffer.from([0x20, 0x02, 0x00, 0x00]);
const PUBACK_9 = Buffer.from([0x40, 0x02, 0x00, 0x09]);
const SUBACK_REFUSED = Buffer.from([0x90, 0x03, 0x00, 0x01, 0x80]);
const PINGRESP = Buffer.from([0xd0, 0x00]);

/** Every packet of `buf`, read as the client reads a socket: chunk by chunk, a split packet's head kept for the next. */
function readAll(chunks: readonly Buffer[]): ServerPacket[] {
  const out: ServerPacket[] = [];
  let partial: Buffer | null = null;
  for (const chunk of chunks) {
    const buf: Buffer = partial ? Buffer.concat([partial, chunk]) : chunk;
    partial = null;
    let at = 0;
    while (at < buf.length) {
      const d: Decoded = decodePacket(buf, at, MAX);
      if (d.ok === 'partial') {
        partial = buf.subarray(at);
        break;
      }
      if (!d.ok) throw new Error(d.error);
      out.push(d.packet);
      at += d.size;
    }
  }
  assert.equal(partial, null, 'no bytes left over');
  return out;
}

const STREAM = Buffer.concat([CONNACK_OK, publish('kexin/v1/gw/7/cmd', '{"id":"a"}', 1, 3), PUBACK_9, publish('t', 'x'.repeat(300), 0), SUBACK_REFUSED, PINGRESP]);
const EXPECTED: ServerPacket[] = [
  { type: 'connack', sessionPresent: false, returnCode: 0 },
  { type: 'publish', topic: 'kexin/v1/gw/7/cmd', payload: Buffer.from('{"id":"a"}'), qos: 1, retain: false, dup: false, messageId: 3 },
  { type: 'puback', messageId: 9 },
  { type: 'publish', topic: 't', payload: Buffer.from('x'.repeat(300)), qos: 0, retain: false, dup: false, messageId: 0 },
  { type: 'suback', messageId: 1, granted: [0x80] },
  { type: 'pingresp' },
];

test('packets packed into one chunk are all read, in order (a 300-byte body has a two-byte remaining length)', () => {
  assert.deepEqual(readAll([STREAM]), EXPECTED);
});

test('a stream split at every byte offset, and byte by byte, reads the same packets', () => {
  for (let cut = 1; cut < STREAM.length; cut++) assert.deepEqual(readAll([STREAM.subarray(0, cut), STREAM.subarray(cut)]), EXPECTED, `split at ${cut}`);
  assert.deepEqual(readAll([...STREAM].map((b) => Buffer.from([b]))), EXPECTED);
});

test('a remaining length over the limit is refused from the header alone, before its body arrives', () => {
  // 0x30, then 2,097,152 as 0x80 0x80 0x80 0x01: four length bytes and no body yet.
  const d = decodePacket(Buffer.from([0x30, 0x80, 0x80, 0x80, 0x01]), 0, MAX);
  assert.deepEqual(d, { ok: false, error: `remaining length 2097152 is over the ${MAX}-byte limit` });
});

test('bytes that are no packet a broker sends this client are errors naming what is wrong', () => {
  const errorOf = (bytes: number[]): string => {
    const d = decodePacket(Buffer.from(bytes), 0, MAX);
    assert.equal(d.ok, false, `${bytes} should be refused`);
    return d.ok === false ? d.error : '';
  };
  assert.match(errorOf([0x30, 0x80, 0x80, 0x80, 0x80, 0x01]), /remaining length longer than 4 bytes/);
  assert.match(errorOf([0x10, 0x00]), /packet type 1 is not one a broker sends/);
  assert.match(errorOf([0x20, 0x03, 0, 0, 0]), /CONNACK with flags 0 and 3 bytes/);
  assert.match(errorOf([0x34, 0x05, 0, 1, 0x74, 0, 1]), /QoS 2/);
  assert.match(errorOf([0x32, 0x03, 0, 1, 0x74]), /shorter than its topic \(1 bytes\) and message id/);
  assert.match(errorOf([0x32, 0x05, 0, 1, 0x74, 0, 0]), /message id 0/);
  assert.match(errorOf([0x92, 0x03, 0, 1, 0]), /SUBACK with flags 2/);
});

test('CONNECT carries protocol level 4, clean, keep-alive, will QoS 1 retained, user name and password in §3.1 order', () => {
  const bytes = encodeConnect({ clientId: 'gw-7', username: 'gw:7', password: 'pw', clean: true, keepaliveS: 10, will: { topic: 's', payload: Buffer.from('{}'), qos: 1, retain: true } });
  const flags = 0x80 | 0x40 | 0x20 | (1 << 3) | 0x04 | 0x02;
  const body = [0, 4, ...Buffer.from('MQTT'), 4, flags, 0, 10, 0, 4, ...Buffer.from('gw-7'), 0, 1, ...Buffer.from('s'), 0, 2, ...Buffer.from('{}'), 0, 4, ...Buffer.from('gw:7'), 0, 2, ...Buffer.from('pw')];
  assert.deepEqual([...bytes], [0x10, body.length, ...body]);
  assert.throws(() => encodeConnect({ clientId: 'x', password: 'p', clean: true, keepaliveS: 0 }), /password given without a username/);
  assert.throws(() => encodeConnect({ clientId: 'x', clean: true, keepaliveS: 70_000 }), /keepaliveS must be an integer 0–65535, got 70000/);
  assert.throws(() => encodeConnect({ clientId: 'x'.repeat(70_000), clean: true, keepaliveS: 0 }), /MQTT clientId is 70000 bytes/);
});

test('SUBSCRIBE asks QoS 1 with its id; a resent PUBLISH carries DUP and is otherwise the same', () => {
  assert.deepEqual([...encodeSubscribe(0x0102, 'c', 1)], [0x82, 6, 1, 2, 0, 1, 0x63, 1]);
  const first = encodePublish('t', Buffer.from('b'), 1, true, 7);
  assert.deepEqual([...first], [0x33, 6, 0, 1, 0x74, 0, 7, 0x62]);
  assert.deepEqual([...withDup(first)], [0x3b, 6, 0, 1, 0x74, 0, 7, 0x62]);
  assert.equal(first[0], 0x33, 'the original is not changed');
});
