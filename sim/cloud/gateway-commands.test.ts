import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LockResult } from '../protocol/index.ts';
import {
  AP, APP_ID, LOCK, LOCK2, LOCK_NO_AP, LOCK_UNBOUND, startWorld, withWorld, waitFor, type FakeAnswer, type TestWorld,
} from './cloud.test-kit.ts';


const open = (w: TestWorld, lock_id = LOCK) => w.call('/third/lock/open', { app_id: APP_ID, lock_id, attach: '' });
const answerAll = (w: TestWorld, a: FakeAnswer) => {
  w.gw.answer = () => a;
};
const gatewayOffline = async (w: TestWorld) => {
  await w.gw.status(false);
  await waitFor(() => !w.cloud.gatewayOnline(AP), 'the gateway to go offline');
};

test('GW-01/02: open sends unlock and maps every answer; 355, 362, 360 before any command', () =>
  withWorld(async (w) => {
    assert.equal((await open(w)).body.code, 200);
    assert.deepEqual(w.gw.commands.map((c) => [c.lock_id, c.op, c.args]), [[LOCK, 'unlock', {}]]);
    const table: [LockResult, number][] = [
      ['unreachable', 360], ['busy', 365], ['jammed', 359], ['low_battery', 359], ['error', 359], ['bad_password', 359],
    ];
    for (const [result, code] of table) {
      answerAll(w, { result });
      const r = await open(w);
      assert.equal(r.body.code, code, result);
      assert.equal(r.body.data, null);
    }
    const sent = w.gw.commands.length;
    assert.equal((await open(w, LOCK_UNBOUND)).body.code, 355);
    assert.equal((await open(w, LOCK_NO_AP)).body.code, 362);
    await gatewayOffline(w);
    assert.equal((await open(w)).body.code, 360);
    assert.equal(w.gw.commands.length, sent, 'no command was sent for a refused open');
  }));

test('GW-03: two concurrent opens of one lock → one 200 and one 365; different locks run in parallel', () =>
  withWorld(async (w) => {
    const gate = w.gw.hold();
    const both = [open(w), open(w)];
    assert.equal((await Promise.race(both)).body.code, 365, 'the second open is refused while the first is in flight');
    gate.release();
    assert.deepEqual((await Promise.all(both)).map((r) => r.body.code).sort(), [200, 365]);
    assert.equal(w.gw.commands.length, 1);
    // Each ack waits until both commands have reached the gateway: only parallel sends get there.
    const seenAtAnswer: number[] = [];
    w.gw.answer = async () => {
      await waitFor(() => w.gw.commands.length >= 3, 'both commands', 1000).catch(() => undefined);
      seenAtAnswer.push(w.gw.commands.length);
      return { result: 'ok' };
    };
    const parallel = await Promise.all([open(w, LOCK), open(w, LOCK2)]);
    assert.deepEqual(parallel.map((r) => r.body.code), [200, 200]);
    assert.deepEqual(seenAtAnswer, [3, 3], 'both commands were out before either was answered');
  }));

test('STATE-01: state/get reads flags live, keeps the last known ones while offline, 362 without AP', () =>
  withWorld(async (w) => {
    const stateGet = (lock_id = LOCK) => w.call('/third/lock/state/get', { app_id: APP_ID, lock_id });
    answerAll(w, { result: 'ok', data: { is_abnormal: true, low_voltage: true, battery_pct: 12, lock_time: 1 } });
    assert.deepEqual((await stateGet()).body.data, { lock_id: LOCK, online: true, is_abnormal: true, low_voltage: true });
    answerAll(w, { result: 'unreachable' });
    assert.deepEqual((await stateGet()).body.data, { lock_id: LOCK, online: false, is_abnormal: true, low_voltage: true });
    assert.deepEqual((await stateGet(LOCK2)).body.data, { lock_id: LOCK2, online: false, is_abnormal: false, low_voltage: false });
    const sent = w.gw.commands.length;
    await gatewayOffline(w);
    const off = await stateGet();
    assert.equal(off.body.code, 200);
    assert.deepEqual(off.body.data, { lock_id: LOCK, online: false, is_abnormal: true, low_voltage: true });
    assert.equal(w.gw.commands.length, sent, 'no command to an offline gateway');
    assert.equal((await stateGet(LOCK_NO_AP)).body.code, 362);
  }));

const pwdGet = (w: TestWorld, uid: number, over: Record<string, unknown> = {}) =>
  w.call('/third/v2/lock/pwd/get', { app_id: APP_ID, lock_id: LOCK, uid, effective_at: 1_700_000_000, expire: 3600, ...over });
const pwdDel = (w: TestWorld, uid: number) => w.call('/third/v2/lock/pwd/del', { app_id: APP_ID, lock_id: LOCK, uid });

test('V2-01/02: pwd/get writes a fresh 6-digit password with its window; re-assigning a uid replaces it', () =>
  withWorld(async (w) => {
    const r = await pwdGet(w, 7);
    assert.equal(r.body.code, 200);
    const password = r.body.data?.password as string;
    assert.match(password, /^\d{6}$/);
    const cmd = w.gw.commands.at(-1)!;
    assert.deepEqual([cmd.op, cmd.args], ['pwd_add', { uid: 7, password, start: 1_700_000_000, end: 1_700_003_600 }]);
    assert.deepEqual(w.cloud.assignedPasswords(LOCK), new Map([[7, password]]));
    const again = await pwdGet(w, 7, { effective_at: 1_600_000_000, expire: 315_360_000 });
    assert.equal(again.body.code, 200);
    assert.deepEqual(w.cloud.assignedPasswords(LOCK), new Map([[7, again.body.data?.password as string]]));
    await pwdGet(w, 8);
    assert.equal(w.cloud.assignedPasswords(LOCK).size, 2);
    assert.notEqual(w.cloud.assignedPasswords(LOCK).get(7), w.cloud.assignedPasswords(LOCK).get(8));
  }));

test('V2: pwd/get window over 357; then 355, 362, 360, 365 in order; unreachable 360, busy 365', () =>
  withWorld(async (w) => {
    assert.equal((await pwdGet(w, 7, { effective_at: 1_699_996_400, expire: 3600 })).body.code, 357);
    assert.equal((await pwdGet(w, 7, { effective_at: 1_699_996_400, expire: 3601 })).body.code, 200);
    assert.equal((await pwdGet(w, 7, { lock_id: LOCK_UNBOUND, effective_at: 0, expire: 1 })).body.code, 357, 'window beats 355');
    assert.equal((await pwdGet(w, 7, { lock_id: LOCK_UNBOUND })).body.code, 355);
    assert.equal((await pwdGet(w, 7, { lock_id: LOCK_NO_AP })).body.code, 362);
    answerAll(w, { result: 'unreachable' });
    assert.equal((await pwdGet(w, 9)).body.code, 360);
    answerAll(w, { result: 'busy' });
    assert.equal((await pwdGet(w, 9)).body.code, 365);
    assert.equal(w.cloud.assignedPasswords(LOCK).has(9), false);
    const gate = w.gw.hold();
    const both = [pwdGet(w, 10), pwdGet(w, 11)];
    assert.equal((await Promise.race(both)).body.code, 365);
    gate.release();
    assert.deepEqual((await Promise.all(both)).map((r) => r.body.code).sort(), [200, 365]);
    assert.equal((await pwdGet(w, 1, { effective_at: 4_294_967_000, expire: 295 })).body.code, 200);
    assert.equal((await pwdGet(w, 1, { effective_at: 4_294_967_000, expire: 296 })).body.code, 400, 'the end must fit a uint32');
    await gatewayOffline(w);
    assert.equal((await pwdGet(w, 7)).body.code, 360);
  }));

test('V2-04: a failed write is 364 and leaves nothing for the uid, not even its old password', () =>
  withWorld(async (w) => {
    assert.equal((await pwdGet(w, 7)).body.code, 200);
    for (const result of ['full', 'error'] as const) {
      answerAll(w, { result });
      assert.equal((await pwdGet(w, 7)).body.code, 364, result);
      assert.equal(w.cloud.assignedPasswords(LOCK).has(7), false, `${result}: the old assignment is gone too`);
    }
    assert.ok(!w.gw.commands.some((c) => c.op === 'pwd_del'), 'no compensation when the lock answered');
  }));

test('V2-03: pwd/del removes one uid, uid 0 removes all, unknown uid 200; failures 364 / 360', () =>
  withWorld(async (w) => {
    for (const uid of [1, 2, 3]) await pwdGet(w, uid);
    assert.equal((await pwdDel(w, 2)).body.code, 200);
    assert.deepEqual([...w.cloud.assignedPasswords(LOCK).keys()], [1, 3]);
    assert.equal((await pwdDel(w, 99)).body.code, 200);
    assert.deepEqual(w.gw.commands.at(-1)?.args, { uid: 99 });
    answerAll(w, { result: 'error' });
    assert.equal((await pwdDel(w, 1)).body.code, 364);
    answerAll(w, { result: 'unreachable' });
    assert.equal((await pwdDel(w, 1)).body.code, 360);
    assert.equal(w.cloud.assignedPasswords(LOCK).size, 2, 'nothing forgotten on failure');
    answerAll(w, { result: 'ok' });
    assert.equal((await pwdDel(w, 0)).body.code, 200);
    assert.equal(w.cloud.assignedPasswords(LOCK).size, 0);
    assert.equal((await w.call('/third/v2/lock/pwd/del', { app_id: APP_ID, lock_id: LOCK_NO_AP, uid: 0 })).body.code, 362);
  }));

test('V2-05: v2 open maps pwd_unlock answers; the password must be a 6-digit string', () =>
  withWorld(async (w) => {
    const v2open = (password: unknown) => w.call('/third/v2/lock/open', { app_id: APP_ID, lock_id: LOCK, password });
    const table: [LockResult, number][] = [
      ['ok', 200], ['bad_password', 326], ['expired', 357], ['no_time', 357], ['locked_out', 365], ['busy', 365],
      ['jammed', 359], ['low_battery', 359], ['error', 359], ['unreachable', 360],
    ];
    for (const [result, code] of table) {
      answerAll(w, { result });
      assert.equal((await v2open('012345')).body.code, code, String(result));
    }
    assert.deepEqual(w.gw.commands[0]?.args, { password: '012345' });
    for (const bad of ['12345', '1234567', 123456, '12a456', null]) {
      const r = await v2open(bad);
      assert.equal(r.body.code, 400, String(bad));
      assert.match(r.body.desc, /password/);
    }
    assert.equal((await w.call('/third/v2/lock/open', { app_id: APP_ID, lock_id: LOCK_UNBOUND, password: '123456' })).body.code, 355);
  }));

test('malformed MQTT messages and acks for unknown ids are dropped and counted', () =>
  withWorld(async (w) => {
    await w.gw.raw('ack', 'not json');
    await w.gw.raw('ack', JSON.stringify({ id: 'nobody', lock_id: LOCK, result: 'ok', data: {} }));
    await w.gw.raw('event', '{"event_id":1}');
    await w.gw.raw('status', '[]');
    await waitFor(() => w.cloud.stats.mqttDropped === 3 && w.cloud.stats.acksIgnored === 1, 'the drops to be counted');
    assert.ok(w.cloud.gatewayOnline(AP), 'a malformed status changes nothing');
    assert.equal((await open(w)).body.code, 200);
  }));

test('Cloud.create refuses an unreachable broker instead of hanging', async () => {
  const t0 = performance.now();
  await assert.rejects(startWorld({ mqtt: { url: 'mqtt://127.0.0.1:1', password: 'x' } }));
  assert.ok(performance.now() - t0 < 6000);
});
