import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { APP_ID, LOCK, LOCK2, withWorld, type TestWorld } from './cloud.test-kit.ts';

const vectors = JSON.parse(readFileSync(new URL('../../fixtures/contract-vectors.json', import.meta.url), 'utf8'));


const pwdGet = (w: TestWorld, lock_id: number, effective_at: unknown, ...expire: unknown[]) =>
  w.call('/third/lock/pwd/get', { app_id: APP_ID, lock_id, effective_at, ...(expire.length === 0 ? { expire: 300 } : { expire: expire[0] }) });

test('PWD-01/02: pwd/get returns the vectors\' passwords, the same for any time in a slot', () =>
  withWorld(async (w) => {
    for (const v of vectors.temp_password.filter((x: { secret_hex: string }) => x.secret_hex === 'a1b2c3d4e5f60718293a4b5c6d7e8f90')) {
      const r = await pwdGet(w, LOCK, v.effective_at);
      assert.deepEqual(r.body, { code: 200, desc: 'ok', data: { password: v.password } });
    }
    w.clock.set(1478585100);
    for (const v of vectors.temp_password.filter((x: { secret_hex: string }) => x.secret_hex === '0f1e2d3c4b5a69788796a5b4c3d2e1f0')) {
      assert.equal((await pwdGet(w, LOCK2, v.effective_at)).body.data?.password, v.password, String(v.effective_at));
    }
    const a = await pwdGet(w, LOCK, 1478585100);
    const b = await pwdGet(w, LOCK2, 1478585100);
    assert.notEqual(a.body.data?.password, b.body.data?.password, 'differs across locks');
  }));

test('PWD-03/04: expire must be 300; a window already over is 357, the current and future ones 200', () =>
  withWorld(async (w) => {
    // W = 1700000000 lies in the slot [1699999800, 1700000100).
    for (const expire of [299, 301, '300', 300.5, undefined]) {
      const r = await pwdGet(w, LOCK, 1_700_000_100, expire);
      assert.equal(r.body.code, 400, String(expire));
      assert.match(r.body.desc, /expire/);
    }
    const current = await pwdGet(w, LOCK, 1_699_999_800);
    assert.equal(current.body.code, 200);
    assert.deepEqual((await pwdGet(w, LOCK, 1_700_000_099)).body.data, current.body.data, 'any time in the slot → the slot\'s password');
    assert.equal((await pwdGet(w, LOCK, 1_699_999_799)).body.code, 357, 'previous slot');
    assert.equal((await pwdGet(w, LOCK, 0)).body.code, 357, 'effective_at 0 is a valid value whose window is over');
    w.clock.advance(99.5);
    assert.equal((await pwdGet(w, LOCK, 1_699_999_800)).body.code, 200, 'one half second before the slot ends');
    w.clock.advance(0.5);
    assert.equal((await pwdGet(w, LOCK, 1_699_999_800)).body.code, 357, 'at the slot end');
  }));

const seqGet = (w: TestWorld, lock_id: number) => w.call('/third/lock/time_sync/seq/get', { app_id: APP_ID, lock_id });
const result = (w: TestWorld, lock_id: number, seq: unknown, state: unknown) =>
  w.call('/third/lock/time_sync/result', { app_id: APP_ID, lock_id, seq, state });

test('TSYNC-01: seq strictly increases from seq_start per lock and the keys match the vectors', () =>
  withWorld(async (w) => {
    const [v1, v2, v3] = vectors.time_sync;
    w.clock.set(v1.server_time + 0.75);
    assert.deepEqual((await seqGet(w, LOCK2)).body.data, { seq: v1.seq, key1: v1.key1, key2: v1.key2 });
    w.clock.set(v2.server_time);
    assert.deepEqual((await seqGet(w, LOCK2)).body.data, { seq: v2.seq, key1: v2.key1, key2: v2.key2 });
    w.clock.set(v3.server_time);
    assert.deepEqual((await seqGet(w, LOCK)).body.data, { seq: v3.seq, key1: v3.key1, key2: v3.key2 });
    const seqs: number[] = [];
    for (let i = 0; i < 5; i++) seqs.push((await seqGet(w, LOCK)).body.data?.seq as number);
    assert.deepEqual(seqs, [2, 3, 4, 5, 6]);
  }));

test('TSYNC-03: result — state 1/2 ok and idempotent, other state 400, unknown or foreign seq 400, bad state 400, after TTL 357', () =>
  withWorld(async (w) => {
    const s1 = (await seqGet(w, LOCK)).body.data?.seq as number;
    const s2 = (await seqGet(w, LOCK)).body.data?.seq as number;
    const foreign = (await seqGet(w, LOCK2)).body.data?.seq as number;
    assert.equal((await result(w, LOCK, s1, 1)).body.code, 200);
    assert.equal((await result(w, LOCK, s1, 1)).body.code, 200, 'same state again');
    assert.equal((await result(w, LOCK, s1, 2)).body.code, 400, 'other state');
    assert.equal((await result(w, LOCK, s2, 2)).body.code, 200);
    assert.equal((await result(w, LOCK, s2, 2)).body.code, 200);
    assert.equal((await result(w, LOCK, 999, 1)).body.code, 400, 'never issued');
    assert.equal((await result(w, LOCK, foreign, 1)).body.code, 400, 'another lock\'s seq');
    for (const state of [0, 3, '1', 1.5, null, undefined]) {
      const r = await result(w, LOCK, s1, state);
      assert.equal(r.body.code, 400, String(state));
      assert.match(r.body.desc, /state/);
    }
    const s3 = (await seqGet(w, LOCK)).body.data?.seq as number;
    const s4 = (await seqGet(w, LOCK)).body.data?.seq as number;
    w.clock.advance(299);
    assert.equal((await result(w, LOCK, s3, 1)).body.code, 200, 'inside the TTL');
    w.clock.advance(1);
    assert.equal((await result(w, LOCK, s4, 1)).body.code, 357, 'at the TTL');
    assert.equal((await result(w, LOCK, s3, 1)).body.code, 357, 'a repeat after the TTL is expired too');
  }));
