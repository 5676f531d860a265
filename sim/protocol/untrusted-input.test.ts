import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseAck, parseCommand, parseEvent, parseGatewayTopic, parseLockEvent, parseStatus } from './mqtt.ts';
import { decodeFrame, encodeFrame, FrameReader, parseDeviceInfo, parseRequest, parseResponse, toLockOp, type JsonObject } from './lockwire.ts';

// DESIGN §4 and §6: whatever a gateway or a lock sends is untrusted input. Every parse of a message a
// device can send answers {ok} or a reason — it never throws — and what it accepts is within the
// contract's ranges, so no later step (a push's date, a counter) can fail on it. The run's seed is
// printed by fast-check on failure; LOCKBENCH_SEED replays it (STYLE §2).

const seed = process.env.LOCKBENCH_SEED === undefined ? undefined : Number(process.env.LOCKBENCH_SEED);
const RUNS = { numRuns: 300, ...(seed === undefined ? {} : { seed }) };

/** Numbers a hostile or broken device sends: the edges of every range, and far past them. */
const extreme = fc.constantFrom(
  0, -0, -1, 1, 0.5, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 53, -(2 ** 53), 1e13, 1e300, -1e300, Number.MAX_VALUE, Number.MIN_VALUE, 8.64e15, 8.64e15 + 1,
);
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  extreme, fc.double(), fc.integer(), fc.string({ maxLength: 20 }), fc.boolean(), fc.constant(null),
  fc.constant('x'.repeat(100_000)), fc.jsonValue({ maxDepth: 4 }), fc.constant(deep(5_000)),
);
function deep(n: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < n; i++) v = { a: v };
  return v;
}
const FIELDS = ['event_id', 'lock_id', 'type', 'mode', 'result', 'uid', 'lock_time', 'battery_pct', 'low_voltage', 'is_abnormal', 'online', 'id', 'data', 'op', 'args', 'mac', 'firmware_ver', 'caps'];
const TYPES = ['unlock', 'battery', 'tamper', 'reachable'];
/** An object with the contract's field names, a plausible type, and hostile values. */
const hostileObject = fc.record({
  type: fc.oneof(fc.constantFrom(...TYPES), hostileValue),
  fields: fc.dictionary(fc.constantFrom(...FIELDS), hostileValue, { maxKeys: 8 }),
}).map(({ type, fields }) => ({ lock_id: 1, event_id: 1, mode: 1, result: 1, uid: 0, ...fields, type }) as JsonObject);
/** Raw text: hostile objects as JSON, plus what is not JSON at all (deep nesting past the parser, huge numbers). */
const hostileText = fc.oneof(
  hostileObject.map((o) => safeStringify(o)),
  fc.string({ maxLength: 200 }),
  fc.constantFrom('[' .repeat(200_000), '{"lock_time": 1e999, "type": "unlock"}', '{"event_id": 1e400}', '\u0000', ''),
);
function safeStringify(o: unknown): string {
  try {
    return JSON.stringify(o) ?? 'null';
  } catch {
    return '{}';
  }
}

const isU32 = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0xffffffff;

/** What an accepted event must satisfy for every later step (DESIGN §3.4 push formatting, §4 counters). */
function assertInRange(ev: Record<string, unknown>): void {
  assert.ok(isU32(ev.lock_id), 'lock_id');
  if (ev.type === 'unlock') {
    assert.ok((ev.lock_time as number) >= 0 && (ev.lock_time as number) < 2 ** 32, `lock_time ${String(ev.lock_time)}`);
    // Any display zone (UTC−12 … UTC+14) can format it.
    for (const tz of [-720, 840]) new Date(((ev.lock_time as number) + tz * 60) * 1000).toISOString();
  }
  if (ev.type === 'battery') assert.ok((ev.battery_pct as number) >= 0 && (ev.battery_pct as number) <= 100, 'battery_pct');
}

test('MQTT status, ack and event (and cmd, topic): hostile payloads never throw; what is accepted is in range', () => {
  fc.assert(fc.property(hostileText, (text) => {
    for (const raw of [text, Buffer.from(text)]) {
      parseStatus(raw);
      const a = parseAck(raw);
      if (a.ok) assert.ok(a.value.id.length <= 128 && isU32(a.value.lock_id));
      const e = parseEvent(raw);
      if (e.ok) {
        assert.ok(isU32(e.value.event_id));
        assertInRange(e.value);
      }
      parseCommand(raw);
    }
    parseGatewayTopic(text);
  }), RUNS);
});

test('lockwire responses, events, info and requests: hostile payloads never throw; accepted events are in range', () => {
  fc.assert(fc.property(hostileObject, (o) => {
    const ev = parseLockEvent(o);
    if (typeof ev !== 'string') assertInRange(ev);
    parseResponse(o);
    parseDeviceInfo(o);
    const req = parseRequest(o);
    if (typeof req !== 'string') toLockOp(req, 1);
    // The same object framed and fed through the streaming reader, when it fits a frame.
    let frame: Buffer;
    try {
      frame = encodeFrame({ seq: 1, type: 3, payload: o });
    } catch {
      return;
    }
    decodeFrame(frame);
    new FrameReader().push(frame);
  }), RUNS);
});

test('the exact crashes of the probe: lock_time 1e300 and 2^32 are refused by both parses, naming the field', () => {
  for (const lock_time of [1e300, 2 ** 32, -1]) {
    const body = { type: 'unlock', lock_id: 5, mode: 1, result: 1, uid: 0, lock_time };
    assert.match(String(parseLockEvent(body)), /^lock_time /);
    const r = parseEvent(JSON.stringify({ ...body, event_id: 1 }));
    assert.equal(r.ok, false);
  }
  const battery = parseLockEvent({ type: 'battery', lock_id: 5, battery_pct: 1e300, low_voltage: false });
  assert.match(String(battery), /^battery_pct /);
});
