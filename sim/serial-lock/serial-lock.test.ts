import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeFrame } from '../protocol/lockwire.ts';
import { answerRequest, deviceInfo } from './ops.ts';
import { FakeFirmware } from './fake-firmware.test-kit.ts';
import { LOCK_ID, rig } from './serial-lock-rig.test-kit.ts';

const settle = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('ops: info, both request forms, device ops, sim knobs and refusals (DESIGN §6)', () => {
  const fw = new FakeFirmware(LOCK_ID);
  const device = { lock: fw, knobs: fw, mac: 'aa:bb:cc:dd:ee:ff', firmwareVer: '1.2' };
  assert.deepEqual(deviceInfo(device), { lock_id: LOCK_ID, mac: 'aa:bb:cc:dd:ee:ff', firmware_ver: '1.2', caps: ['keypad', 'ble', 'time_sync', 'clock', 'sim'] });
  assert.deepEqual(deviceInfo({ lock: fw, mac: 'm', firmwareVer: '' }).caps, ['keypad', 'ble', 'time_sync', 'clock'], 'no "sim" without knobs');

  assert.equal(answerRequest(device, { op: 'unlock', args: { uid: 9 } }).result, 'ok');
  assert.equal(answerRequest(device, { op: 'unlock', args: {}, lockId: LOCK_ID }).result, 'ok', 'the vectors form');
  assert.deepEqual(fw.acts, [{ op: 'unlock', args: { uid: 9 } }, { op: 'unlock', args: {} }]);
  assert.equal(answerRequest(device, { op: 'unlock', args: {}, lockId: 5 }).result, 'error', 'another lock id');
  assert.equal(answerRequest(device, { op: 'pwd_add', args: { uid: 1 } }).result, 'error', 'bad gateway args');
  assert.equal(fw.acts.length, 2, 'refused requests do not act');

  assert.deepEqual(answerRequest(device, { op: 'keypad', args: { password: '123456' } }), { result: 'ok', data: {} });
  assert.deepEqual(fw.typed, ['123456']);
  assert.equal(answerRequest(device, { op: 'keypad', args: { password: 123456 } }).result, 'error');
  assert.deepEqual(answerRequest(device, { op: 'ble_time_sync', args: { seq: 2, key1: 1700000300, key2: 1 } }), { result: 'ok', data: { lock_time: 1700000300 } });
  assert.deepEqual(answerRequest(device, { op: 'ble_time_sync', args: { seq: 2, key1: 1700000300, key2: 1 } }).result, 'replay');
  assert.deepEqual(answerRequest(device, { op: 'clock_get', args: {} }), { result: 'ok', data: { lock_time: 1700000300, trusted: true } });
  assert.equal(answerRequest(device, { op: 'ble_unlock', args: { uid: -1 } }).result, 'error');

  assert.equal(answerRequest(device, { op: 'sim_battery', args: { battery_pct: 12 } }).data.battery_pct, 12);
  assert.equal(fw.batteryPct, 12);
  assert.equal(answerRequest(device, { op: 'sim_battery', args: { battery_pct: 101 } }).result, 'error');
  assert.equal(answerRequest(device, { op: 'sim_jam', args: { on: true } }).result, 'ok');
  assert.equal(fw.jammed, true);
  assert.equal(answerRequest(device, { op: 'sim_tamper', args: { on: 'yes' } }).result, 'error');
  answerRequest(device, { op: 'sim_drift', args: { ppm: -40 } });
  assert.equal(fw.driftPpm, -40);
  answerRequest(device, { op: 'sim_reset_clock', args: {} });
  assert.equal(fw.trusted, false);
  assert.deepEqual(answerRequest({ lock: fw, mac: 'm', firmwareVer: '' }, { op: 'sim_jam', args: { on: false } }), { result: 'error', data: { reason: 'no sim capability' } });
  assert.equal(answerRequest(device, { op: 'fly', args: {} }).result, 'error');
  assert.equal(answerRequest(device, { op: 'toString', args: {} }).result, 'error', 'no prototype ops');
});

test('a repeated seq is answered from the cache without acting again (DESIGN §6, LAB-03)', async () => {
  let now = 0;
  const r = await rig({ nowMs: () => now, cache: { kind: 'seq+payload', ms: 1000 } });
  try {
    r.send(7, 1, { op: 'unlock', uid: 3 });
    r.send(7, 1, { op: 'unlock', uid: 3 });
    const answers = await r.waitFrames((f) => f.seq === 7 && f.type === 2, 2);
    assert.deepEqual(answers[0], answers[1]);
    assert.deepEqual(answers[0]!.payload, { result: 'ok', data: {} });
    assert.equal(r.fw.acts.length, 1, 'acted once');
    assert.equal(r.lock.stats.cacheHits, 1);

    r.send(7, 1, { op: 'state' });
    await r.waitFrames((f) => f.seq === 7 && f.type === 2, 3);
    assert.equal(r.fw.acts.length, 2, 'same seq, other request: a new request');

    now = 1001;
    r.send(7, 1, { op: 'state' });
    await r.waitFrames((f) => f.seq === 7 && f.type === 2, 4);
    assert.equal(r.fw.acts.length, 3, 'an expired cache entry does not answer');
  } finally {
    await r.close();
  }
});

test('dropResponses: the lock acts and caches but sends nothing; the retransmit gets the cached answer', async () => {
  const r = await rig();
  try {
    r.lock.dropResponses = 1;
    r.send(1, 1, { op: 'unlock' });
    await settle(30);
    assert.equal(r.frames.filter((f) => f.type === 2).length, 0, 'first response dropped');
    assert.equal(r.fw.acts.length, 1);
    r.send(1, 1, { op: 'unlock' });
    await r.waitFrames((f) => f.type === 2 && f.seq === 1);
    assert.equal(r.fw.acts.length, 1, 'still acted once');
    assert.deepEqual({ dropped: r.lock.stats.droppedResponses, hits: r.lock.stats.cacheHits }, { dropped: 1, hits: 1 });
  } finally {
    await r.close();
  }
});

test('defect serial-no-cache acts again on a repeated seq', async () => {
  const r = await rig({ defects: ['serial-no-cache'] });
  try {
    r.send(4, 1, { op: 'unlock' });
    r.send(4, 1, { op: 'unlock' });
    await r.waitFrames((f) => f.type === 2, 2);
    assert.equal(r.fw.acts.length, 2);
  } finally {
    await r.close();
  }
});

test('events go out in order, resent until acked, at most eventTries sends (DESIGN §6)', async () => {
  const r = await rig({ eventTries: 3 });
  try {
    r.fw.emit({ type: 'tamper', lock_id: LOCK_ID, is_abnormal: true });
    r.fw.emit({ type: 'battery', lock_id: LOCK_ID, battery_pct: 10, low_voltage: true });
    const first = await r.waitFrames((f) => f.type === 3, 2, 500);
    assert.deepEqual(first.map((f) => f.payload.type), ['tamper', 'tamper'], 'resent, and the second waits behind it');
    r.send(first[0]!.seq, 4, {});
    const second = await r.waitFrames((f) => f.type === 3 && f.payload.type === 'battery');
    assert.deepEqual(second[0]!.payload, { type: 'battery', lock_id: LOCK_ID, battery_pct: 10, low_voltage: true });
    assert.notEqual(second[0]!.seq, first[0]!.seq);
    // Never acked: given up after 3 sends.
    await r.waitFrames((f) => f.type === 3 && f.payload.type === 'battery', 3, 500);
    await settle(100);
    assert.equal(r.frames.filter((f) => f.type === 3 && f.payload.type === 'battery').length, 3);
    assert.deepEqual(
      { acked: r.lock.stats.eventsAcked, dropped: r.lock.stats.eventsDropped, sent: r.lock.stats.eventsSent },
      { acked: 1, dropped: 1, sent: 2 },
    );
  } finally {
    await r.close();
  }
});

test('an unpowered lock is silent; garbage and bad frames are dropped and counted', async () => {
  const r = await rig();
  try {
    r.fw.reachable = false;
    r.send(2, 1, { op: 'state' });
    await settle(30);
    assert.equal(r.frames.length, 0);
    assert.equal(r.lock.stats.ignoredUnreachable, 1);
    r.fw.reachable = true;
    r.host.write(Buffer.from([0x00, 0x13, 0x7e, 0x01, 0x02]));
    const bad = encodeFrame({ seq: 3, type: 1, payload: { op: 'state' } });
    bad[bad.length - 1] = bad[bad.length - 1]! ^ 1;
    r.host.write(bad);
    r.send(3, 1, { args: {} });
    r.send(4, 1, { op: 'state' });
    const [badReq] = await r.waitFrames((f) => f.seq === 3 && f.type === 2);
    assert.equal(badReq!.payload.result, 'error');
    await r.waitFrames((f) => f.seq === 4 && f.type === 2);
    assert.equal(r.lock.stats.reader.badCrc, 1);
    assert.ok(r.lock.stats.reader.garbageBytes >= 2);
    assert.equal(r.lock.stats.badRequests, 1);
  } finally {
    await r.close();
  }
});

test('--cache-ms 10000: a repeated seq is answered from the cache for 10 s, acted on again after', async () => {
  let now = 0;
  const r = await rig({ nowMs: () => now, cache: { kind: 'seq+payload', ms: 10_000 } });
  try {
    r.send(9, 1, { op: 'unlock' });
    await r.waitFrames((f) => f.seq === 9 && f.type === 2, 1);
    now = 10_000;
    r.send(9, 1, { op: 'unlock' });
    await r.waitFrames((f) => f.seq === 9 && f.type === 2, 2);
    assert.equal(r.fw.acts.length, 1, 'within 10 s: cached');
    now = 10_001;
    r.send(9, 1, { op: 'unlock' });
    await r.waitFrames((f) => f.seq === 9 && f.type === 2, 3);
    assert.equal(r.fw.acts.length, 2, 'after 10 s: a new request');
  } finally {
    await r.close();
  }
});

test('--event-resend-ms 200: an unacked event is resent about every 200 ms', async () => {
  const r = await rig({ eventResendMs: 200, eventTries: 3 });
  try {
    const arrived: number[] = [];
    const t0 = performance.now();
    r.fw.emit({ type: 'tamper', lock_id: LOCK_ID, is_abnormal: true });
    for (let n = 1; n <= 3; n++) {
      await r.waitFrames((f) => f.type === 3, n, 1000);
      arrived.push(performance.now() - t0);
    }
    const gaps = [arrived[1]! - arrived[0]!, arrived[2]! - arrived[1]!];
    for (const g of gaps) assert.ok(g >= 190 && g < 400, `resend gap ${g.toFixed(0)} ms`);
  } finally {
    await r.close();
  }
});
