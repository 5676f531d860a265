import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Frame, JsonObject } from '../protocol/lockwire.ts';
import type { SerialLockOptions } from './serial-lock.ts';
import { LOCK_ID, rig as kitRig } from './serial-lock-rig.test-kit.ts';

// The device freedoms of DESIGN §6 a variant chooses (sim/variants/lock.ts): answer caches, latency,
// event seqs, caps and vendor fields, each as the virtual serial lock implements it.

/** The kit's rig, with requests sent as `send(seq, payload)` and `answers(n)` waiting for n responses. */
async function rig(extra: Partial<SerialLockOptions> = {}) {
  const r = await kitRig(extra);
  return {
    ...r,
    send: (seq: number, payload: JsonObject, type: 1 | 4 = 1): void => r.send(seq, type, payload),
    answers: (count: number): Promise<Frame[]> => r.waitFrames((f) => f.type === 2, count, 1000),
  };
}

test('cache none: a repeated seq and payload is acted on again', async () => {
  const r = await rig({ cache: { kind: 'none' } });
  try {
    r.send(5, { op: 'unlock', uid: 1 });
    await r.answers(1);
    r.send(5, { op: 'unlock', uid: 1 });
    await r.answers(2);
    assert.equal(r.fw.acts.length, 2);
  } finally {
    await r.close();
  }
});

test('cache by seq alone: a repeated seq with another payload gets the earlier answer, until the cache ages out', async () => {
  let now = 0;
  const r = await rig({ cache: { kind: 'seq', ms: 10_000 }, nowMs: () => now });
  try {
    r.send(5, { op: 'state' });
    await r.answers(1);
    r.send(5, { op: 'unlock', uid: 1 });
    const [first, second] = await r.answers(2);
    assert.deepEqual(second, first, 'the state answer again');
    assert.equal(r.fw.acts.length, 1);
    now = 10_001;
    r.send(5, { op: 'unlock', uid: 1 });
    await r.answers(3);
    assert.equal(r.fw.acts.length, 2, 'after 10 s it acts');
  } finally {
    await r.close();
  }
});

test('cache by seq + payload for ever: the same seq and payload is answered from the cache however late', async () => {
  let now = 0;
  const r = await rig({ cache: { kind: 'seq+payload', ms: 'forever' }, nowMs: () => now });
  try {
    r.send(9, { op: 'clock_get' });
    await r.answers(1);
    now = 86_400_000;
    r.send(9, { op: 'clock_get' });
    await r.answers(2);
    assert.equal(r.lock.stats.cacheHits, 1, 'a day later: still the cached answer (the host must never resend it as new, DESIGN §6)');
    r.send(9, { op: 'state' });
    await r.answers(3);
    assert.equal(r.fw.acts.length, 1, 'another payload under the seq is a new request');
  } finally {
    await r.close();
  }
});

test('latency: requests are answered in order, each after its own delay', async () => {
  const r = await rig({ latencyMs: (op) => (op === 'unlock' ? 120 : 10) });
  try {
    const t0 = performance.now();
    r.send(1, { op: 'unlock', uid: 1 });
    r.send(2, { op: 'state' });
    const got = await r.answers(2);
    assert.deepEqual(got.map((f) => f.seq), [1, 2]);
    assert.ok(performance.now() - t0 >= 125, 'the second waited for the first');
  } finally {
    await r.close();
  }
});

test('caps without ble and clock: info lists neither and both ops answer error; vendor fields ride along', async () => {
  const r = await rig({ caps: { ble: false, clock: false }, extraFields: true, knobs: undefined });
  try {
    r.send(1, { op: 'info' });
    r.send(2, { op: 'ble_unlock', uid: 3 });
    r.send(3, { op: 'clock_get' });
    const [info, ble, clock] = await r.answers(3);
    const data = info!.payload.data as JsonObject;
    assert.deepEqual(data.caps, ['keypad', 'time_sync']);
    assert.ok('vnd_diag' in info!.payload && 'vnd_diag' in data, 'vendor fields at the top and in data');
    assert.equal(ble!.payload.result, 'error');
    assert.equal(clock!.payload.result, 'error');
  } finally {
    await r.close();
  }
});

test('event seqs from a chosen start by a chosen step', async () => {
  const r = await rig({ eventSeqStart: 250, eventSeqStep: 7 });
  try {
    r.fw.emit({ type: 'tamper', lock_id: LOCK_ID, is_abnormal: true });
    r.fw.emit({ type: 'tamper', lock_id: LOCK_ID, is_abnormal: false });
    const until = performance.now() + 1000;
    while (!r.frames.some((f) => f.type === 3) && performance.now() < until) await new Promise((res) => setTimeout(res, 5));
    const first = r.frames.find((f) => f.type === 3)!;
    assert.equal(first.seq, 250);
    r.send(250, {}, 4);
    while (!r.frames.some((f) => f.type === 3 && f.seq !== 250) && performance.now() < until) await new Promise((res) => setTimeout(res, 5));
    assert.equal(r.frames.find((f) => f.type === 3 && f.seq !== 250)?.seq, (250 + 7) & 0xff);
  } finally {
    await r.close();
  }
});
