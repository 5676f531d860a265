import fc from 'fast-check';
import { test, expect, FC_RUNS } from '../harness/fixtures/index.ts';
import { VECTORS } from '../harness/fixtures/vectors.ts';
import { timeSyncKeys } from '../sim/protocol/index.ts';
import type { ApiClient } from '../harness/client/api-client.ts';
import { lockTime } from './steps.test-kit.ts';

// TEST-PLAN TSYNC-01…TSYNC-03 — time sync: seq and keys from the cloud, keys carried to the lock
// over Bluetooth, the result report (DESIGN §3.3, §5.3). The endpoints do not exist under kexin-2017-10.

/** The fleet's `time_sync_ttl_s` (DESIGN §7 default). */
const TTL_S = 300;

type Keys = { seq: number; key1: number; key2: number };

const isUint32 = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0xffffffff;

/** One seq/get, asserted ok with uint32 fields. */
async function issue(api: ApiClient, lockId: number): Promise<Keys> {
  const res = await api.seqGet(lockId);
  expect(res, `seq/get lock ${lockId}`).toBeOutcome('ok');
  const d = res.envelope!.data!;
  for (const k of ['seq', 'key1', 'key2'] as const) expect(isUint32(d[k]), `${k} = ${JSON.stringify(d[k])} is a uint32`).toBe(true);
  expect(d.seq).toBeGreaterThanOrEqual(1);
  return { seq: d.seq, key1: d.key1, key2: d.key2 };
}

test.describe('time sync endpoints', () => {
  test.beforeEach(({ needsEndpoint }) => {
    needsEndpoint('/third/lock/time_sync/seq/get');
    needsEndpoint('/third/lock/time_sync/result');
  });

  test('seq/get returns uint32 seq, key1, key2 and seq strictly increases per lock', { tag: '@TSYNC-01' }, async ({ api, fleet }) => {
    const lock = fleet.need('main');
    const sibling = fleet.need('sibling');
    let last = 0;
    for (let i = 0; i < 5; i++) {
      const { seq } = await issue(api, lock);
      expect(seq, `seq #${i + 1}`).toBeGreaterThan(last);
      last = seq;
      // Another lock's requests do not disturb this lock's sequence.
      await issue(api, sibling);
    }
  });

  test("the main lock's first keys match the contract vector", { tag: '@TSYNC-01' }, async ({ api, clock, locks }) => {
    const main = locks.get('main');
    const v = VECTORS.time_sync.find((x) => x.lock_id === main.id && x.secret_hex === main.secretHex);
    test.skip(!v || main.seqStart !== v.seq, 'no contract vector for this lock and its first seq');
    expect(timeSyncKeys(v!.secret_hex, v!.lock_id, v!.seq, v!.server_time)).toEqual({ key1: v!.key1, key2: v!.key2 });
    await clock.set(v!.server_time);
    expect(await issue(api, main.id)).toEqual({ seq: v!.seq, key1: v!.key1, key2: v!.key2 });
  });

  test('property: keys are those of the issue time floor(W) and the seq', { tag: '@TSYNC-01' }, async ({ api, clock, locks }) => {
    const main = locks.get('main');
    const lock = main.id;
    const secret = main.secretHex;
    test.skip(!secret, 'target does not disclose the main lock secret');
    let last = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 40000 }), async (hundredths) => {
        const w = await clock.advance(hundredths / 100);
        const keys = await issue(api, lock);
        expect(keys.seq).toBeGreaterThan(last);
        last = keys.seq;
        expect({ key1: keys.key1, key2: keys.key2 }, `seq ${keys.seq} at W ${w}`).toEqual(timeSyncKeys(secret!, lock, keys.seq, Math.floor(w)));
      }),
      FC_RUNS,
    );
  });

  test('keys delivered later set the lock clock to their issue time', { tag: '@TSYNC-02' }, async ({ api, clock, locks }) => {
    const main = locks.get('main', 'timeSync', 'state', 'time');
    const lock = main.id;
    // A fractional world time: the issue time is floor(W) (DESIGN §5.3).
    const issuedAt = Math.floor(await clock.advance(0.75));
    const keys = await issue(api, lock);
    await clock.advance(437);
    expect(await main.timeSync(keys)).toMatchObject({ result: 'ok', lock_time: issuedAt });
    const state = await main.state();
    expect(state).toMatchObject({ lock_time: issuedAt, trusted: true, last_seq: keys.seq });
    await clock.advance(100);
    expect(await lockTime(main), 'the clock runs on from the synced time').toBe(issuedAt + 100);
  });

  test('an older seq after a newer one is a replay and leaves the clock alone', { tag: '@TSYNC-02' }, async ({ api, clock, locks }) => {
    const main = locks.get('main', 'timeSync', 'state');
    const lock = main.id;
    const older = await issue(api, lock);
    await clock.advance(50);
    const newerAt = Math.floor(await clock.now());
    const newer = await issue(api, lock);
    expect(newer.seq).toBeGreaterThan(older.seq);
    await clock.advance(50);
    expect(await main.timeSync(newer)).toMatchObject({ result: 'ok', lock_time: newerAt });
    expect((await main.timeSync(older)).result, 'older seq').toBe('replay');
    expect((await main.timeSync(newer)).result, 'same seq again').toBe('replay');
    expect(await main.state()).toMatchObject({ lock_time: newerAt, last_seq: newer.seq });
  });

  test('forged keys are refused, change nothing, and do not use up the seq', { tag: '@TSYNC-02' }, async ({ api, clock, locks, fleet }) => {
    const main = locks.get('main', 'timeSync', 'state');
    const lock = main.id;
    const sibling = fleet.need('sibling');
    const issuedAt = Math.floor(await clock.now());
    const keys = await issue(api, lock);
    await clock.advance(200);
    const before = await main.state();
    expect((await main.timeSync({ ...keys, key2: (keys.key2 ^ 1) >>> 0 })).result, 'key2 flipped').toBe('bad_key');
    expect((await main.timeSync({ ...keys, key1: (keys.key1 ^ 0x100) >>> 0 })).result, 'key1 changed').toBe('bad_key');
    expect((await main.timeSync({ ...keys, seq: keys.seq + 1 })).result, 'keys under another seq').toBe('bad_key');
    expect((await main.timeSync(await issue(api, sibling))).result, "another lock's keys").toBe('bad_key');
    expect(await main.state()).toMatchObject({ lock_time: before.lock_time, last_seq: before.last_seq });
    expect(await main.timeSync(keys)).toMatchObject({ result: 'ok', lock_time: issuedAt });
  });

  test('result: state 1 and 2 are accepted, the same state again too, the other state is refused', { tag: '@TSYNC-03' }, async ({ api, fleet }) => {
    const lock = fleet.need('main');
    const a = await issue(api, lock);
    const b = await issue(api, lock);
    expect(await api.seqResult(lock, a.seq, 1), 'a: 1').toBeOutcome('ok');
    expect(await api.seqResult(lock, a.seq, 1), 'a: 1 again').toBeOutcome('ok');
    expect(await api.seqResult(lock, a.seq, 2), 'a: then 2').toBeOutcome('bad_params');
    expect(await api.seqResult(lock, b.seq, 2), 'b: 2').toBeOutcome('ok');
    expect(await api.seqResult(lock, b.seq, 2), 'b: 2 again').toBeOutcome('ok');
    expect(await api.seqResult(lock, b.seq, 1), 'b: then 1').toBeOutcome('bad_params');
    expect(await api.seqResult(lock, a.seq, 1), 'a: 1 still').toBeOutcome('ok');
  });

  test("result: a seq never issued, or issued for another lock, is bad parameters", { tag: '@TSYNC-03' }, async ({ api, fleet }) => {
    const lock = fleet.need('main');
    const sibling = fleet.need('sibling');
    const mine = await issue(api, lock);
    // Issue on the sibling until its seq is one this lock never had.
    let theirs = await issue(api, sibling);
    for (let i = 0; i < 5 && theirs.seq <= mine.seq; i++) theirs = await issue(api, sibling);
    expect(theirs.seq).toBeGreaterThan(mine.seq);
    expect(await api.seqResult(lock, theirs.seq, 1), "the sibling's seq").toBeOutcome('bad_params');
    expect(await api.seqResult(lock, mine.seq + 1000, 1), 'never issued').toBeOutcome('bad_params');
    expect(await api.seqResult(sibling, theirs.seq, 1), 'the sibling reporting its own').toBeOutcome('ok');
    expect(await api.seqResult(lock, mine.seq, 1), 'this lock reporting its own').toBeOutcome('ok');
  });

  test('result: reported TTL seconds after issue or later is 357', { tag: '@TSYNC-03' }, async ({ api, clock, fleet }) => {
    const lock = fleet.need('main');
    const late = await issue(api, lock);
    const inTime = await issue(api, lock);
    await clock.advance(TTL_S - 1);
    expect(await api.seqResult(lock, inTime.seq, 1), 'TTL − 1 s').toBeOutcome('ok');
    await clock.advance(1);
    expect(await api.seqResult(lock, late.seq, 1), 'TTL').toBeOutcome('expired');
    await clock.advance(3600);
    expect(await api.seqResult(lock, late.seq, 2), 'long after').toBeOutcome('expired');
  });

  test('result: state 0, 3, "1" and other non-1/2 values are bad parameters', { tag: '@TSYNC-03' }, async ({ api, fleet }) => {
    const lock = fleet.need('main');
    const { seq } = await issue(api, lock);
    for (const state of [0, 3, '1', '2', -1, 1.5, null, true, 4294967297]) {
      expect(await api.seqResult(lock, seq, state), `state ${JSON.stringify(state)}`).toBeOutcome('bad_params');
    }
    expect(await api.send('/third/lock/time_sync/result', { lock_id: lock, seq }), 'state missing').toBeOutcome('bad_params');
    // None of the refused reports was recorded: either state may still be reported first.
    expect(await api.seqResult(lock, seq, 2)).toBeOutcome('ok');
  });
  test('keys set the lock clock to their issue time; an older seq is a replay; a forged key2 is refused (no state read)', { tag: '@TSYNC-02' }, async ({ api, clock, locks }) => {
    const main = locks.get('main', 'timeSync', 'time');
    const lock = main.id;
    const olderAt = Math.floor(await clock.now());
    const older = await issue(api, lock);
    const newerAt = Math.floor(await clock.advance(10));
    const newer = await issue(api, lock);
    await clock.advance(250);
    expect(await main.timeSync(newer)).toMatchObject({ result: 'ok', lock_time: newerAt });
    // The clock reads the issue time (a running device clock may have ticked once since).
    const read = await lockTime(main);
    expect(read - newerAt, `clock_get ${read} after syncing to ${newerAt}`).toBeGreaterThanOrEqual(0);
    expect(read - newerAt).toBeLessThanOrEqual(main.realTime ? 1 : 0);
    expect((await main.timeSync(older)).result).toBe('replay');
    expect(olderAt).toBeLessThan(newerAt);
    const next = await issue(api, lock);
    expect((await main.timeSync({ ...next, key2: (next.key2 ^ 1) >>> 0 })).result).toBe('bad_key');
    expect((await main.timeSync(next)).result).toBe('ok');
  });
});
