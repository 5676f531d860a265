import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AP, APP_ID, LOCK, startWorld, waitFor, type TestWorld } from './cloud.test-kit.ts';

const pwdGet = (w: TestWorld, uid: number) =>
  w.call('/third/v2/lock/pwd/get', { app_id: APP_ID, lock_id: LOCK, uid, effective_at: w.clock.now(), expire: 3600 });
const dels = (w: TestWorld, uid: number) => w.gw.commands.filter((c) => c.op === 'pwd_del' && c.args.uid === uid).length;
const bounce = async (w: TestWorld) => {
  await w.gw.status(false);
  await waitFor(() => !w.cloud.gatewayOnline(AP), 'offline');
  await w.gw.status(true);
  await waitFor(() => w.cloud.gatewayOnline(AP), 'online');
};

test('V2: the compensating pwd_del after a 364 is kept until the lock acks it, retried on reconnect (DESIGN §3.3)', async () => {
  const w = await startWorld({ ackTimeoutMs: 200 });
  try {
    w.gw.answer = () => null; // partitioned: neither the pwd_add nor the first pwd_del is acked
    assert.equal((await pwdGet(w, 5)).body.code, 364);
    await waitFor(() => dels(w, 5) >= 1, 'the first compensation');
    await waitFor(() => w.cloud.stats.ackTimeouts >= 2, 'the first compensation to time out');
    w.gw.answer = () => ({ result: 'ok' });
    const before = dels(w, 5);
    await bounce(w);
    await waitFor(() => dels(w, 5) > before, 'the compensation retried on reconnect');
    await waitFor(() => w.cloud.pendingCompensations() === 0, 'the compensation acked and dropped');
    const sent = dels(w, 5);
    await bounce(w);
    await new Promise((r) => setTimeout(r, 100)); // real time for a wrong resend to show (transport)
    assert.equal(dels(w, 5), sent, 'an acked compensation is not sent again');
  } finally {
    await w.close();
  }
});

test('V2: a uid assigned again meanwhile is not deleted by a stale compensation', async () => {
  const w = await startWorld({ ackTimeoutMs: 200 });
  try {
    w.gw.answer = () => null;
    assert.equal((await pwdGet(w, 6)).body.code, 364);
    await waitFor(() => w.cloud.stats.ackTimeouts >= 2, 'the first compensation to time out');
    w.gw.answer = () => ({ result: 'ok' });
    assert.equal((await pwdGet(w, 6)).body.code, 200);
    const sent = dels(w, 6);
    await bounce(w);
    await new Promise((r) => setTimeout(r, 300)); // real time for a stale resend to show (transport)
    assert.equal(dels(w, 6), sent, 'no pwd_del after the uid was assigned again');
    assert.equal(w.cloud.pendingCompensations(), 0);
    assert.equal(w.cloud.assignedPasswords(LOCK).size, 1);
  } finally {
    await w.close();
  }
});
