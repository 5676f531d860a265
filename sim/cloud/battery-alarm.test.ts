import { test } from 'node:test';
import assert from 'node:assert/strict';
import { APP_ID, LOCK, START, startPushReceiver, startWorld, testApps, waitFor } from './cloud.test-kit.ts';

test('STATE-02: a state reply showing the battery recovered re-arms the low-battery alarm, though its event was lost (DESIGN §3.4)', async () => {
  const rx = await startPushReceiver();
  const w = await startWorld({ apps: testApps(rx.url) });
  try {
    await w.gw.event({ type: 'battery', lock_id: LOCK, battery_pct: 12, low_voltage: true });
    await waitFor(() => rx.bodies.length === 1, 'the first type 3');
    // The recovery event never reached the cloud (gateway outage); the lock's state says not low.
    w.gw.answer = () => ({ result: 'ok', data: { is_abnormal: false, low_voltage: false, battery_pct: 90, lock_time: START } });
    const s = await w.call('/third/lock/state/get', { app_id: APP_ID, lock_id: LOCK });
    assert.equal(s.body.data?.low_voltage, false);
    await w.gw.event({ type: 'battery', lock_id: LOCK, battery_pct: 19, low_voltage: true });
    await waitFor(() => rx.bodies.length === 2, 'the second type 3 after re-arming');
    assert.deepEqual(rx.bodies[1], { type: 3, data: { lock_id: LOCK, remain: 19 } });
  } finally {
    await w.close();
    await rx.close();
  }
});
