import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LOCK, startPushReceiver, startWorld, testApps, waitFor } from './cloud.test-kit.ts';

// TEST-PLAN GWP-04, DESIGN §3.4: a rebooted gateway counts its event_ids from 1 again; each new event
// is pushed once, and a QoS-1 redelivery (within a session or across the reconnect) still once.

const unlock = (event_id: number, uid: number) =>
  ({ type: 'unlock', lock_id: LOCK, mode: 3, result: 1, uid, lock_time: 1_700_000_000 + uid, event_id }) as const;

async function withEvents(fn: (w: Awaited<ReturnType<typeof startWorld>>, uids: () => number[]) => Promise<void>): Promise<void> {
  const rx = await startPushReceiver([]);
  const w = await startWorld({ apps: testApps(rx.url) });
  const uids = (): number[] => rx.bodies.filter((b) => (b as { type: number }).type === 2).map((b) => (b as { data: { uid: number } }).data.uid);
  try {
    await fn(w, uids);
  } finally {
    await w.close();
    await rx.close();
  }
}

test('GWP-04: after a reboot (status false, then true) event ids from 1 are pushed again, once each', () =>
  withEvents(async (w, uids) => {
    await w.gw.event(unlock(1, 11));
    await w.gw.event(unlock(2, 12));
    await waitFor(() => uids().length === 2, 'two pushes before the reboot');
    await w.gw.status(false);
    await w.gw.status(true);
    await w.gw.event(unlock(1, 21));
    await w.gw.event(unlock(1, 21));
    await w.gw.event(unlock(2, 22));
    await waitFor(() => uids().length === 4 && w.cloud.stats.eventsDuplicate === 1, 'two new pushes and one duplicate');
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(uids(), [11, 12, 21, 22]);
  }));

test('GWP-04: a new event byte-identical to one of the previous session (frozen clock) is still pushed', () =>
  withEvents(async (w, uids) => {
    await w.gw.event(unlock(1, 11));
    await waitFor(() => uids().length === 1, 'the first push');
    await w.gw.status(false);
    await w.gw.status(true);
    await w.gw.event(unlock(1, 11));
    await waitFor(() => uids().length === 2, 'the push after the reboot');
    assert.deepEqual(uids(), [11, 11]);
  }));

test('GWP-04: a reconnect without an offline status in between also starts a new session', () =>
  withEvents(async (w, uids) => {
    await w.gw.event(unlock(1, 11));
    await waitFor(() => uids().length === 1, 'the first push');
    await w.gw.status(true);
    await w.gw.event(unlock(1, 31));
    await waitFor(() => uids().length === 2, 'the push after the reconnect');
    assert.deepEqual(uids(), [11, 31]);
  }));

test('GWP-04: an event resent after a reconnect, before the new session\'s status, is pushed once', () =>
  withEvents(async (w, uids) => {
    await w.gw.event(unlock(7, 17));
    await waitFor(() => uids().length === 1, 'the first push');
    await w.gw.status(false);
    // As mqtt.js does: the unacknowledged publish goes out again first, then the session's status.
    await w.gw.event(unlock(7, 17));
    await w.gw.status(true);
    await w.gw.event(unlock(8, 18));
    await waitFor(() => uids().length === 2 && w.cloud.stats.eventsDuplicate === 1, 'one new push and one duplicate');
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(uids(), [17, 18]);
  }));
