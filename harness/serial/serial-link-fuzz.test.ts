import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { encodeFrame, FrameReader, FRAME_TYPE, type JsonObject } from '../../sim/protocol/lockwire.ts';
import type { LockEvent } from '../../sim/protocol/index.ts';
import { MockCable } from '../../sim/serial-lock/mock-cable.test-kit.ts';
import { PortKeeper } from '../../sim/io/port-keeper.ts';
import { waitUntil } from '../../sim/io/index.ts';
import { SerialLink } from './serial-link.ts';

// DESIGN §6 and issue "a device under test is untrusted": the parse paths of sim/protocol are fuzzed in
// untrusted-input.test.ts; this drives the host's own paths on top of them — SerialLink's event handling
// (ack, forward, drop) and its answers to `clock_get`, `info` and gateway ops — with a hostile device on
// the other end of the cable. Nothing throws, nothing out of range is forwarded or returned, every dropped
// event is named as the device's, and the link still serves afterwards. LOCKBENCH_SEED replays (STYLE §2).

const LOCK = 1000001;
const seed = process.env.LOCKBENCH_SEED === undefined ? undefined : Number(process.env.LOCKBENCH_SEED);
const sampleOf = <T>(arb: fc.Arbitrary<T>, n: number): T[] => fc.sample(arb, { numRuns: n, ...(seed === undefined ? {} : { seed }) });

const extreme = fc.constantFrom(0, -1, 0.5, 2 ** 32 - 1, 2 ** 32, 2 ** 53, 1e13, 1e300, -1e300, Number.MAX_VALUE, Number.MIN_VALUE, 8.64e15 + 1);
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  extreme, fc.double(), fc.integer(), fc.string({ maxLength: 20 }), fc.boolean(), fc.constant(null), fc.constant('x'.repeat(900)), fc.jsonValue({ maxDepth: 3 }), fc.constant(deep(60)),
);
function deep(n: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < n; i++) v = { a: v };
  return v;
}
const FIELDS = ['lock_id', 'type', 'mode', 'result', 'uid', 'lock_time', 'battery_pct', 'low_voltage', 'is_abnormal', 'online', 'data', 'mac', 'firmware_ver', 'caps', 'trusted'];
/** A payload shaped like the device's (the contract's names, a plausible type or result) with hostile values; fits one frame. */
const hostilePayload = fc.record({
  type: fc.oneof(fc.constantFrom('unlock', 'battery', 'tamper', 'reachable'), hostileValue),
  result: fc.oneof(fc.constantFrom('ok', 'error', 'busy'), hostileValue),
  fields: fc.dictionary(fc.constantFrom(...FIELDS), hostileValue, { maxKeys: 6 }),
}).map(({ type, result, fields }) => ({ lock_id: LOCK, mode: 1, uid: 0, ...fields, type, result, data: fields.data ?? fields }) as JsonObject).filter(fits);

/** Whether `payload` fits one frame (DESIGN §6: ≤ 1024 bytes of JSON). */
function fits(payload: JsonObject): boolean {
  try {
    return encodeFrame({ seq: 1, type: FRAME_TYPE.event, payload }).length > 0;
  } catch {
    return false;
  }
}

const isU32 = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0xffffffff;

/** What a forwarded event must satisfy for every later step (a push's date, the gateway's counters). */
function assertInRange(ev: LockEvent): void {
  assert.equal(ev.lock_id, LOCK);
  if (ev.type === 'unlock') {
    assert.ok(isU32(ev.lock_time), `lock_time ${ev.lock_time}`);
    new Date((ev.lock_time + 840 * 60) * 1000).toISOString();
  }
  if (ev.type === 'battery') assert.ok(ev.battery_pct >= 0 && ev.battery_pct <= 100, `battery_pct ${ev.battery_pct}`);
}

/** A SerialLink on one end of a mock cable; on the other, a raw device that answers each request with `answer(n)`. */
async function hostileDevice(answer: (n: number) => JsonObject) {
  const cable = new MockCable('/mock/fuzz-host', '/mock/fuzz-lock');
  const reader = new FrameReader();
  let n = 0;
  const device: PortKeeper = new PortKeeper({
    path: cable.lockPath, binding: cable.binding, reopenMs: 20,
    onData: (c) => {
      for (const f of reader.push(c)) if (f.type === FRAME_TYPE.request) device.write(encodeFrame({ seq: f.seq, type: FRAME_TYPE.response, payload: answer(n++) }));
    },
  });
  const link = new SerialLink({ path: cable.hostPath, lockId: LOCK, binding: cable.binding, retransmitMs: 40, tries: 2, reopenMs: 20 });
  assert.ok((await device.whenOpen(500)) && (await link.whenOpen(500)), 'both ends open');
  return { link, device, close: async () => { await link.close(); await device.close(); } };
}

test('hostile lockwire events: forwarded only in range, every other one acked, dropped and named as the device\'s', { timeout: 30_000 }, async () => {
  const payloads = sampleOf(hostilePayload, 300);
  const d = await hostileDevice(() => ({ result: 'ok', data: { lock_id: LOCK, mac: '72:00:03:16:7d:f0', firmware_ver: 't1', caps: [] } }));
  const forwarded: LockEvent[] = [];
  d.link.onEvent((ev) => void forwarded.push(ev));
  try {
    payloads.forEach((payload, i) => d.device.write(encodeFrame({ seq: i & 0xff, type: FRAME_TYPE.event, payload })));
    const handled = (): number => d.link.stats.events + d.link.stats.badPayloads + d.link.stats.duplicateEvents;
    await waitUntil('every event frame handled', () => handled() === payloads.length, { timeoutMs: 10_000, seen: () => JSON.stringify(d.link.stats) });
    forwarded.forEach(assertInRange);
    assert.ok(d.link.stats.badPayloads > 0 && d.link.deviceFaults.length > 0, 'the sample holds out-of-range events');
    for (const f of d.link.deviceFaults) assert.match(f, /^the device sent event \{.*: \S/s);
    assert.ok(d.link.deviceFaults.length <= 16, 'the faults kept are bounded');
    const info = await d.link.info(1000);
    assert.ok(info.ok && info.info.lock_id === LOCK, 'the link still serves');
  } finally {
    await d.close();
  }
});

test('hostile answers to clock_get, info and gateway ops: a result in range or a refusal, never a throw', { timeout: 30_000 }, async () => {
  // Half plausible "ok" answers whose numbers are hostile: the checks after the result must hold on their own.
  const okAnswer = fc.record({ lock_time: hostileValue, trusted: fc.boolean(), lock_id: hostileValue, battery_pct: hostileValue })
    .map((data) => ({ result: 'ok', data: { ...data, mac: '72:00:03:16:7d:f0', firmware_ver: 't1', caps: [] } }) as JsonObject).filter(fits);
  // 45 requests: within the link's burst of new requests (serial-link paces beyond it at 20/s).
  const answers = sampleOf(fc.oneof(hostilePayload, okAnswer), 45);
  const d = await hostileDevice((n) => answers[n % answers.length]!);
  try {
    for (let i = 0; i < answers.length; i++) {
      if (i % 3 === 0) {
        const c = await d.link.clockGet(150);
        if (c.ok) assert.ok(isU32(c.lock_time) && typeof c.trusted === 'boolean', JSON.stringify(c));
      } else if (i % 3 === 1) {
        const info = await d.link.info(150);
        if (info.ok) assert.ok(isU32(info.info.lock_id), JSON.stringify(info));
      } else assert.equal(typeof (await d.link.request({ op: 'state', args: {} }, 150)).result, 'string');
    }
  } finally {
    await d.close();
  }
});
