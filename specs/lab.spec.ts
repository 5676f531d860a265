import { readFileSync } from 'node:fs';
import { test, expect, pushOf } from '../harness/fixtures/index.ts';
import { FrameReader, encodeFrame, frameHex, slotOf, tempPassword, type FrameType } from '../sim/protocol/index.ts';
import { wireOf } from '../sim/protocol/index.ts';

// TEST-PLAN LAB — the serial path (DESIGN §6): a virtual lock on a pseudo-terminal in CI, real hardware in the lab.

const vectors = JSON.parse(readFileSync(new URL('../fixtures/contract-vectors.json', import.meta.url), 'utf8')) as {
  frame: { seq: number; type: FrameType; payload: Record<string, unknown>; hex: string }[];
};

test('the lockwire codec matches the frame vectors and resynchronises after garbage, bad CRC and split reads', { tag: '@LAB-01' }, async () => {
  for (const v of vectors.frame) expect(frameHex(encodeFrame(v))).toBe(v.hex);
  const frames = vectors.frame.map((v) => Buffer.from(v.hex, 'hex'));
  const badCrc = Buffer.from(frames[0]!);
  badCrc[badCrc.length - 1] = badCrc[badCrc.length - 1]! ^ 0xff;
  const stream = Buffer.concat([Buffer.from('noise\x7e\x01'), frames[0]!, badCrc, Buffer.from([0x00, 0x7e]), frames[1]!, frames[2]!]);
  const reader = new FrameReader();
  const got = [];
  for (let i = 0; i < stream.length; i += 5) got.push(...reader.push(stream.subarray(i, i + 5)));
  expect(got.map((f) => f.seq)).toEqual([1, 2, 7]);
  expect(got.map((f) => f.payload)).toEqual(vectors.frame.map((v) => v.payload));
  expect(reader.stats.badCrc + reader.stats.garbageBytes).toBeGreaterThan(0);
});

test('a temporary code, a Bluetooth unlock and a time sync work on the device', { tag: '@LAB-02' }, async ({ api, ctl, fleet, needs, needsEndpoint }) => {
  needs('clock', 'keypad', 'ble', 'lockTime');
  needsEndpoint('/third/lock/time_sync/seq/get');
  const lock = fleet.need('main');
  const secret = fleet.roles.mainSecretHex!;
  const slot = slotOf(await ctl.now()) + 1;
  await ctl.setTime(slot * 300);
  const res = await api.pwdGet(lock, slot * 300, 300);
  expect(res).toBeOutcome('ok');
  expect(res.envelope!.data!.password).toBe(tempPassword(secret, slot * 300));
  expect(await ctl.keypad(lock, res.envelope!.data!.password)).toBe('ok');
  await ctl.setTime(slot * 300 + 300);
  expect(await ctl.keypad(lock, res.envelope!.data!.password)).toBe('bad_password');
  expect(await ctl.bleUnlock(lock, 7)).toBe('ok');
  const keys = (await api.seqGet(lock)).envelope!.data!;
  await ctl.advance(1000);
  const synced = await ctl.bleTimeSync(lock, keys);
  expect(synced.result).toBe('ok');
  expect(Math.floor(synced.lock_time)).toBe(slot * 300 + 300);
});

test('a lost response is retransmitted with the same seq and acted on once', { tag: '@LAB-03' }, async ({ api, fleet, pushes, session, needs }) => {
  needs('serial', 'push');
  const lock = fleet.need('main');
  const before = session.serial!.stats().retransmits;
  await session.serial!.dropResponses(1);
  expect(await api.open(lock)).toBeOutcome('ok');
  expect(session.serial!.stats().retransmits).toBeGreaterThan(before);
  await pushes.waitFor(pushOf(2, { lockId: lock }), { what: 'the unlock log of the open' });
  // Acted on once: a second actuation would log (and push) a second unlock.
  expect(await pushes.settled(pushOf(2, { lockId: lock }), 500)).toHaveLength(1);
});

test('unplugging the port mid-command answers 360/359 within the timeout; the bridge recovers when it returns', { tag: '@LAB-04' }, async ({ api, fleet, session, needs }) => {
  needs('unplug');
  const lock = fleet.need('main');
  await session.bench!.unplug();
  const t0 = performance.now();
  const res = await api.open(lock);
  const offline = [wireOf(res.profile, 'offline').code, wireOf(res.profile, 'unlock_failed').code];
  expect(offline).toContain(res.envelope?.code);
  expect(performance.now() - t0).toBeLessThan(5000);
  await session.bench!.replug();
  await expect.poll(async () => (await api.open(lock)).envelope?.code, { timeout: 10_000, intervals: [200] }).toBe(wireOf(res.profile, 'ok').code);
});
