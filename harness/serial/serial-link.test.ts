import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFrame } from '../../sim/protocol/lockwire.ts';
import type { LockEvent } from '../../sim/protocol/index.ts';
import { FakeFirmware } from '../../sim/serial-lock/fake-firmware.test-kit.ts';
import { MockCable } from '../../sim/serial-lock/mock-cable.test-kit.ts';
import { SerialLock } from '../../sim/serial-lock/serial-lock.ts';
import { SerialLink, type SerialLinkOptions } from './serial-link.ts';
import { memoryLedger } from './seq-ledger.ts';
import { waitUntil } from '../../sim/io/index.ts';

const LOCK_ID = 1000001;
const RETRANSMIT_MS = 60;
let rigs = 0;

/** A SerialLink and a SerialLock (on a FakeFirmware) on the two ends of a mock cable. */
async function rig(extra: Partial<SerialLinkOptions> = {}, plugged = true) {
  const n = ++rigs;
  const cable = new MockCable(`/mock/link-host-${n}`, `/mock/link-lock-${n}`);
  if (!plugged) cable.unplug();
  const fw = new FakeFirmware(LOCK_ID);
  const lock = new SerialLock({
    path: cable.lockPath, lock: fw, knobs: fw, mac: '72:00:03:16:7d:f0', firmwareVer: 't1', binding: cable.binding,
    reopenMs: 20, eventResendMs: 50,
  });
  const link = new SerialLink({ path: cable.hostPath, lockId: LOCK_ID, binding: cable.binding, retransmitMs: RETRANSMIT_MS, reopenMs: 20, ...extra });
  const events: LockEvent[] = [];
  link.onEvent((ev) => void events.push(ev));
  if (plugged) {
    assert.ok(await lock.whenOpen(500));
    assert.ok(await link.whenOpen(500));
  }
  const close = async (): Promise<void> => {
    await link.close();
    await lock.close();
  };
  return { cable, fw, lock, link, events, close };
}

test('request/response by seq, with the wire log (DESIGN §6)', async () => {
  const r = await rig();
  try {
    const log: Array<{ dir: string; hex: string; decoded: unknown }> = [];
    r.link.onFrame((dir, hex, decoded) => log.push({ dir, hex, decoded }));
    assert.deepEqual(await r.link.request({ op: 'unlock', args: { uid: 7 } }, 1000), { result: 'ok', data: {} });
    assert.deepEqual(r.fw.acts, [{ op: 'unlock', args: { uid: 7 } }]);
    const state = await r.link.request({ op: 'state', args: {} }, 1000);
    assert.equal(state.result, 'ok');
    assert.equal(state.data.battery_pct, 80);

    const tx = log.filter((l) => l.dir === 'tx' && (l.decoded as { type: number }).type === 1);
    const rx = log.filter((l) => l.dir === 'rx' && (l.decoded as { type: number }).type === 2);
    assert.equal(tx.length, 2);
    assert.equal(rx.length, 2);
    const sent = decodeFrame(Buffer.from(tx[0]!.hex, 'hex'));
    assert.ok(sent.ok);
    assert.deepEqual(sent.frame.payload, { uid: 7, op: 'unlock' }, 'the host sends the flattened DESIGN §6 form');
    assert.equal((rx[0]!.decoded as { seq: number }).seq, sent.frame.seq, 'response carries the request seq');
    assert.equal(r.link.stats.retransmits, 0);
  } finally {
    await r.close();
  }
});

test('helpers send the lockwire device ops', async () => {
  const r = await rig();
  try {
    const info = await r.link.info();
    assert.deepEqual(info, { ok: true, info: { lock_id: LOCK_ID, mac: '72:00:03:16:7d:f0', firmware_ver: 't1', caps: ['keypad', 'ble', 'time_sync', 'clock', 'sim'] } });
    r.fw.keypadResult = 'bad_password';
    assert.equal(await r.link.keypad('000000'), 'bad_password');
    assert.deepEqual(r.fw.typed, ['000000']);
    assert.equal(await r.link.bleUnlock(5), 'ok');
    assert.deepEqual(await r.link.bleTimeSync(3, 1700000600, 1), { result: 'ok', lock_time: 1700000600 });
    assert.deepEqual(await r.link.bleTimeSync(3, 1700000600, 1), { result: 'replay', lock_time: 1700000600 });
    assert.deepEqual(await r.link.clockGet(), { ok: true, lock_time: 1700000600, trusted: true });
    assert.equal((await r.link.sim('battery', { battery_pct: 9 })).result, 'ok');
    assert.equal(r.fw.batteryPct, 9);
    assert.equal((await r.link.sim('jam', { on: true })).result, 'ok');
    assert.equal((await r.link.request({ op: 'unlock', args: {} }, 1000)).result, 'jammed');
  } finally {
    await r.close();
  }
});

test('a lost response is retransmitted with the same seq and acted on once (LAB-03)', async () => {
  const r = await rig();
  try {
    const seqs: number[] = [];
    r.link.onFrame((dir, _hex, f) => {
      const frame = f as { type: number; seq: number };
      if (dir === 'tx' && frame.type === 1) seqs.push(frame.seq);
    });
    r.lock.dropResponses = 2;
    assert.deepEqual(await r.link.request({ op: 'unlock', args: {} }, 1000), { result: 'ok', data: {} });
    assert.equal(r.fw.acts.length, 1, 'acted once');
    assert.equal(seqs.length, 3);
    assert.equal(new Set(seqs).size, 1, 'every try under the same seq');
    assert.equal(r.link.stats.retransmits, 2);
    assert.equal(r.lock.stats.cacheHits, 2);

    r.cable.lose(r.cable.hostPath, 1);
    assert.equal((await r.link.request({ op: 'unlock', args: {} }, 1000)).result, 'ok', 'a lost request is sent again');
    assert.equal(r.fw.acts.length, 2);

    r.cable.corrupt(r.cable.lockPath, 1);
    assert.equal((await r.link.request({ op: 'state', args: {} }, 1000)).result, 'ok', 'a corrupted response is dropped and the retry answered');
    assert.equal(r.link.stats.badFrames, 1);
  } finally {
    await r.close();
  }
});

test('defect link-retransmit-new-seq makes the lock act twice', async () => {
  const r = await rig({ defects: ['link-retransmit-new-seq'] });
  try {
    r.lock.dropResponses = 1;
    assert.equal((await r.link.request({ op: 'unlock', args: {} }, 1000)).result, 'ok');
    assert.equal(r.fw.acts.length, 2);
  } finally {
    await r.close();
  }
});

test('no answer: unreachable after `tries` sends, within the timeout bound', async () => {
  const r = await rig({ tries: 3 });
  try {
    r.fw.reachable = false;
    const t0 = performance.now();
    assert.deepEqual(await r.link.request({ op: 'unlock', args: {} }, 5000), { result: 'unreachable', data: {} });
    const elapsed = performance.now() - t0;
    assert.ok(elapsed >= 3 * RETRANSMIT_MS - 5 && elapsed < 2000, `gave up after 3 tries, long before the 5000 ms timeout (${elapsed} ms)`);
    assert.equal(r.lock.stats.ignoredUnreachable, 3);
    assert.equal(r.link.stats.timeouts, 1);
  } finally {
    await r.close();
  }
});

test('the request timeout bounds the wait even when retries would go on longer', async () => {
  const r = await rig({ retransmitMs: 1000 });
  try {
    r.fw.reachable = false;
    const t0 = performance.now();
    assert.equal((await r.link.request({ op: 'unlock', args: {} }, 100)).result, 'unreachable');
    assert.ok(performance.now() - t0 < 900, 'ended by the 100 ms timeout, not by the 1000 ms retransmit interval');
    assert.equal(r.link.stats.retransmits, 0);
  } finally {
    await r.close();
  }
});

test('events are acked and forwarded once, even when the ack is lost (DESIGN §6)', async () => {
  const r = await rig();
  try {
    r.cable.lose(r.cable.hostPath, 1);
    r.fw.emit({ type: 'tamper', lock_id: LOCK_ID, is_abnormal: true });
    await waitUntil('the resent event to be acked', () => r.lock.stats.eventsAcked === 1, { timeoutMs: 1000 });
    assert.deepEqual(r.events, [{ type: 'tamper', lock_id: LOCK_ID, is_abnormal: true }]);
    assert.equal(r.lock.stats.eventResends, 1, 'the lost ack made the lock resend');
    assert.equal(r.link.stats.duplicateEvents, 1);

    await r.link.request({ op: 'unlock', args: { uid: 4 } }, 1000);
    await waitUntil('the unlock event', () => r.events.length === 2, { timeoutMs: 1000 });
    assert.deepEqual(r.events[1], { type: 'unlock', lock_id: LOCK_ID, mode: 3, result: 1, uid: 4, lock_time: 1700000000 });
    r.fw.emit({ type: 'tamper', lock_id: 99, is_abnormal: true });
    await waitUntil('the foreign event to be acked', () => r.lock.stats.eventsAcked === 3, { timeoutMs: 1000 });
    assert.equal(r.events.length, 2, 'an event of another lock id is not forwarded');
  } finally {
    await r.close();
  }
});

test('port closed mid-command → unreachable at once; the link reconnects when the port returns (LAB-04)', async () => {
  // A long retransmit interval, so only the close itself can end the command early.
  const r = await rig({ retransmitMs: 1000 });
  try {
    r.lock.dropResponses = 100;
    const t0 = performance.now();
    const pending = r.link.request({ op: 'unlock', args: {} }, 5000);
    await waitUntil('the request to reach the lock', () => r.fw.acts.length === 1, { timeoutMs: 1000 });
    r.cable.unplug();
    assert.deepEqual(await pending, { result: 'unreachable', data: {} });
    assert.ok(performance.now() - t0 < 900, 'at once, not after the 1000 ms retransmit interval or the timeout');
    await waitUntil('the link to see the port gone', () => !r.link.isOpen, { timeoutMs: 1000 });
    assert.deepEqual(r.events.filter((e) => e.type === 'reachable'), [{ type: 'reachable', lock_id: LOCK_ID, online: false }]);

    assert.equal((await r.link.request({ op: 'state', args: {} }, 100)).result, 'unreachable', 'bounded while unplugged');

    r.lock.dropResponses = 0;
    r.cable.replug();
    const back = r.link.request({ op: 'state', args: {} }, 2000);
    assert.equal((await back).result, 'ok', 'a request made while reopening waits for the port');
    assert.equal(r.link.stats.reconnects, 1);
    assert.ok(r.lock.stats.reconnects >= 1);
    assert.deepEqual(r.events.at(-1), { type: 'reachable', lock_id: LOCK_ID, online: true });
  } finally {
    await r.close();
  }
});

test('identify learns the lock id from info; close settles what is in flight', async () => {
  const r = await rig();
  try {
    const found = await SerialLink.identify({ path: r.cable.hostPath, binding: r.cable.binding, retransmitMs: RETRANSMIT_MS, reopenMs: 20 }, 150);
    // The rig's own link holds the host end (mock ports are exclusive), so identify cannot open it.
    assert.deepEqual(found, { ok: false, error: `no info from the device on ${r.cable.hostPath}: unreachable` });
    await r.link.close();
    const again = await SerialLink.identify({ path: r.cable.hostPath, binding: r.cable.binding, retransmitMs: RETRANSMIT_MS, reopenMs: 20 }, 1000);
    assert.ok(again.ok);
    assert.equal(again.link.lockId, LOCK_ID);
    r.lock.dropResponses = 100;
    const inFlight = again.link.request({ op: 'state', args: {} }, 5000);
    await again.link.close();
    assert.equal((await inFlight).result, 'unreachable');
    assert.equal((await again.link.request({ op: 'state', args: {} }, 5000)).result, 'unreachable', 'closed link answers at once');
  } finally {
    await r.close();
  }
});

test('round trips are measured (stats.roundTrip, ping); seqs continue after the ledger\'s last one', async () => {
  const ledger = memoryLedger();
  ledger.use(199, { atMs: 0, key: 'x' });
  const r = await rig({ ledger });
  try {
    const seqs: number[] = [];
    r.link.onFrame((dir, _hex, decoded) => {
      if (dir === 'tx') seqs.push((decoded as { seq: number }).seq);
    });
    assert.equal(r.link.stats.roundTrip.count, 0);
    const ms = await r.link.ping(1000);
    assert.ok(ms !== undefined && ms >= 0 && ms < 500, `ping ${ms} ms`);
    assert.equal((await r.link.request({ op: 'state', args: {} }, 1000)).result, 'ok');
    const rt = r.link.stats.roundTrip;
    assert.equal(rt.count, 2);
    assert.ok(rt.minMs <= rt.meanMs && rt.meanMs <= rt.maxMs && rt.lastMs >= 0, JSON.stringify(rt));
    assert.deepEqual(seqs, [200, 201]);
    r.fw.reachable = false;
    assert.equal(await r.link.ping(100), undefined, 'a mute device: no round trip');
  } finally {
    await r.close();
  }
});

test('a link seeded with link-retransmit-new-seq retransmits under a fresh seq: the lock cannot answer from its cache and acts twice (LAB-03)', async () => {
  for (const [defects, acts] of [[[], 1], [['link-retransmit-new-seq'], 2]] as const) {
    const r = await rig({ defects });
    try {
      r.lock.dropResponses = 1;
      assert.equal((await r.link.request({ op: 'unlock', args: {} }, 1000)).result, 'ok');
      assert.equal(r.fw.acts.length, acts, `defects ${JSON.stringify(defects)}`);
    } finally {
      await r.close();
    }
  }
});

test('a restarted host keeps its ledger, so a lock caching answers by seq + payload for ever never hands it an old one (DESIGN §6)', async () => {
  const n = ++rigs;
  const cable = new MockCable(`/mock/link-host-${n}`, `/mock/link-lock-${n}`);
  const fw = new FakeFirmware(LOCK_ID);
  const lock = new SerialLock({ path: cable.lockPath, lock: fw, mac: '72:00:03:16:7d:f0', firmwareVer: 't1', binding: cable.binding, reopenMs: 20, cache: { kind: 'seq+payload', ms: 'forever' } });
  let wall = 1_000_000;
  const open = async (extra: Partial<SerialLinkOptions>) => {
    const link = new SerialLink({ path: cable.hostPath, lockId: LOCK_ID, binding: cable.binding, retransmitMs: RETRANSMIT_MS, reopenMs: 20, wallMs: () => wall, ...extra });
    assert.ok(await link.whenOpen(500));
    return link;
  };
  try {
    assert.ok(await lock.whenOpen(500));
    fw.keypadResult = 'bad_password';
    const kept = memoryLedger();
    const first = await open({ ledger: kept });
    assert.equal(await first.keypad('123456', 1000), 'bad_password');
    await first.close();
    wall += 60_000;
    fw.keypadResult = 'ok';
    // A host without the ledger numbers from 1 again: the same request gets the first run's cached answer.
    const naive = await open({});
    assert.equal(await naive.keypad('123456', 1000), 'bad_password');
    assert.equal(fw.typed.length, 1, 'not acted on');
    await naive.close();
    const next = await open({ ledger: kept });
    assert.equal(await next.keypad('123456', 1000), 'ok');
    assert.equal(fw.typed.length, 2, 'acted on: never the same seq with the same bytes');
    await next.close();
  } finally {
    await lock.close();
  }
});

test('polling one request 600 times never gets a cached answer: no seq is reused within 10 s or with the same bytes (DESIGN §6)', async () => {
  let wall = 5_000_000;
  const r = await rig({ wallMs: () => wall });
  try {
    const seen = new Map<number, { at: number; hex: string }>();
    r.link.onFrame((dir, hex, decoded) => {
      if (dir !== 'tx') return;
      const seq = (decoded as { seq: number }).seq;
      const last = seen.get(seq);
      if (last && last.hex !== hex) assert.ok(wall - last.at >= 10_000, `seq ${seq} reused after ${wall - last.at} ms`);
      if (last) assert.notEqual(last.hex, hex, `seq ${seq} sent again with the same bytes`);
      seen.set(seq, { at: wall, hex });
    });
    for (let i = 0; i < 600; i++) {
      wall += 51;
      const a = await r.link.clockTime(1000);
      assert.ok(a.ok, `poll ${i}: ${JSON.stringify(a)}`);
    }
    assert.equal(r.lock.stats.cacheHits, 0, 'no answer from the cache');
    assert.ok(seen.size > 200, 'the seq space is used round');
  } finally {
    await r.close();
  }
});

test('a ledger that cannot record a seq fails its request; nothing is sent', async () => {
  const failing = await rig({ ledger: { ...memoryLedger(), lastSeq: 0, last: () => undefined, use: () => { throw new Error('disk full'); } } });
  try {
    const a = await failing.link.call('state', {}, 1000);
    assert.equal(a.result, 'error');
    assert.match(String(a.data.reason), /disk full/);
    assert.equal(failing.fw.acts.length, 0, 'nothing sent under an unrecorded seq');
  } finally {
    await failing.close();
  }
});

test('new requests are paced: a burst of 50, then 20 a second, so no seq is ever wanted within 10 s (DESIGN §6)', async () => {
  let wall = 9_000_000;
  const r = await rig({ wallMs: () => wall });
  try {
    for (let i = 0; i < 50; i++) assert.equal((await r.link.call('state', {}, 1000)).result, 'ok', `burst ${i}`);
    assert.equal((await r.link.call('state', {}, 150)).result, 'unreachable', 'the 51st waits for its turn, past a short bound');
    assert.equal(r.fw.acts.length, 50, 'and was not sent');
    wall += 1000;
    for (let i = 0; i < 20; i++) assert.equal((await r.link.call('state', {}, 1000)).result, 'ok', `after 1 s: ${i}`);
    assert.equal((await r.link.call('state', {}, 150)).result, 'unreachable', 'twenty a second');
  } finally {
    await r.close();
  }
});
