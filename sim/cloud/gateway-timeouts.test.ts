import { test } from 'node:test';
import assert from 'node:assert/strict';
import { APP_ID, LOCK, startWorld, waitFor, type TestWorld } from './cloud.test-kit.ts';

/** Short enough to keep the file fast, long enough that a loaded machine still acks in time. */
const ACK_TIMEOUT_MS = 400;
/** How late an answer after the ack timeout may come on a loaded machine. */
const MARGIN_MS = 1000;

/** A world whose gateway never acks (`answer` → null) unless a test says otherwise. */
async function withSilentGateway(fn: (w: TestWorld) => Promise<void>): Promise<void> {
  const w = await startWorld({ ackTimeoutMs: ACK_TIMEOUT_MS });
  w.gw.answer = () => null;
  try {
    await fn(w);
  } finally {
    await w.close();
  }
}

async function timed<T>(p: Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const v = await p;
  return [v, performance.now() - t0];
}

test('GW-02: no ack → 359 after the ack timeout (not before, not much after); a late ack is ignored', () =>
  withSilentGateway(async (w) => {
    w.gw.answer = () => new Promise((r) => setTimeout(() => r({ result: 'ok' }), ACK_TIMEOUT_MS + 100));
    const [r, ms] = await timed(w.call('/third/lock/open', { app_id: APP_ID, lock_id: LOCK, attach: '' }));
    assert.equal(r.body.code, 359);
    assert.ok(ms >= ACK_TIMEOUT_MS - 10 && ms < ACK_TIMEOUT_MS + MARGIN_MS, `answered after ${ms} ms`);
    await waitFor(() => w.cloud.stats.acksIgnored === 1, 'the late ack to be ignored');
    assert.equal(w.cloud.stats.ackTimeouts, 1);
  }));

test('STATE-01: state/get without an ack → online:false with the last known flags', () =>
  withSilentGateway(async (w) => {
    await w.gw.event({ type: 'tamper', lock_id: LOCK, is_abnormal: true });
    // The event reaches the cloud long before the state command's ack timeout ends.
    const [r, ms] = await timed(w.call('/third/lock/state/get', { app_id: APP_ID, lock_id: LOCK }));
    assert.deepEqual(r.body.data, { lock_id: LOCK, online: false, is_abnormal: true, low_voltage: false });
    assert.ok(ms < ACK_TIMEOUT_MS + MARGIN_MS);
  }));

test('V2-04: pwd_add without an ack → 364, nothing stored, a compensating pwd_del that does not hold the lock busy', () =>
  withSilentGateway(async (w) => {
    const pwdGet = (uid: number) => w.call('/third/v2/lock/pwd/get', { app_id: APP_ID, lock_id: LOCK, uid, effective_at: 1_700_000_000, expire: 3600 });
    const [r, ms] = await timed(pwdGet(8));
    assert.equal(r.body.code, 364);
    assert.ok(ms < ACK_TIMEOUT_MS + MARGIN_MS);
    await waitFor(() => w.gw.commands.some((c) => c.op === 'pwd_del'), 'the compensating pwd_del');
    const del = w.gw.commands.find((c) => c.op === 'pwd_del')!;
    assert.deepEqual([del.lock_id, del.args], [LOCK, { uid: 8 }]);
    assert.equal(w.cloud.assignedPasswords(LOCK).size, 0);
    w.gw.answer = () => ({ result: 'ok' });
    assert.equal((await pwdGet(8)).body.code, 200, 'the compensation is not a command in flight');
    assert.equal(w.cloud.assignedPasswords(LOCK).size, 1);
  }));

test('V2-03/05: pwd_del without an ack → 364 (nothing forgotten); pwd_unlock without an ack → 359', () =>
  withSilentGateway(async (w) => {
    w.gw.answer = () => ({ result: 'ok' });
    await w.call('/third/v2/lock/pwd/get', { app_id: APP_ID, lock_id: LOCK, uid: 3, effective_at: 1_700_000_000, expire: 3600 });
    w.gw.answer = () => null;
    assert.equal((await w.call('/third/v2/lock/pwd/del', { app_id: APP_ID, lock_id: LOCK, uid: 3 })).body.code, 364);
    assert.equal(w.cloud.assignedPasswords(LOCK).has(3), true);
    assert.equal((await w.call('/third/v2/lock/open', { app_id: APP_ID, lock_id: LOCK, password: '123456' })).body.code, 359);
  }));

test('an ack with the command\'s id but another lock_id is dropped and counted; the open times out', () =>
  withSilentGateway(async (w) => {
    w.gw.answer = (cmd) => {
      void w.gw.raw('ack', JSON.stringify({ id: cmd.id, lock_id: cmd.lock_id + 1, result: 'ok', data: {} }));
      return null;
    };
    assert.equal((await w.call('/third/lock/open', { app_id: APP_ID, lock_id: LOCK, attach: '' })).body.code, 359);
    assert.equal(w.cloud.stats.mqttDropped, 1);
  }));
