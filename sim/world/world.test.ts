import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { signBody } from '../protocol/index.ts';
import { parseFixture } from './fixture.ts';
import { World } from './world.ts';
import { FixtureError } from './fixture-schema.ts';
import { waitUntil } from '../io/index.ts';

const raw = JSON.parse(readFileSync(new URL('../../fixtures/fleet.json', import.meta.url), 'utf8'));
const parsed = parseFixture(raw);
if (!parsed.ok) throw new Error('fleet.json invalid');
const fixture = parsed.fixture;
const app = fixture.apps[0]!;

async function call(world: World, path: string, fields: Record<string, unknown>) {
  const body: Record<string, unknown> = { app_id: app.app_id, ...fields };
  body.sign = signBody(body, app.app_secret, world.clock.now());
  const res = await fetch(`${world.urls.api}${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  return (await res.json()) as { code: number; desc: string; data: unknown };
}

async function control(world: World, method: string, path: string, body?: unknown) {
  const res = await fetch(`${world.urls.control}${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as any };
}

test('end to end: a remote open goes HTTP → cloud → MQTT → gateway → lock → ack, and the unlock log is pushed', async () => {
  const world = await World.create(fixture, { ackTimeoutMs: 500, pushBackoffMs: 10 });
  try {
    const open = await call(world, '/third/lock/open', { lock_id: 1000001, attach: '' });
    assert.deepEqual(open, { code: 200, desc: open.desc, data: null });
    const lock = await control(world, 'GET', '/locks/1000001');
    const unlocks = lock.body.events.filter((e: any) => e.type === 'unlock');
    assert.equal(unlocks.length, 1);
    assert.equal(unlocks[0].mode, 3);
    assert.equal(unlocks[0].result, 1);
    const push = await waitUntil('the unlock push', async () => {
      const { body } = await control(world, 'GET', '/push');
      return body.find((p: any) => p.body.type === 2);
    }, { timeoutMs: 2000 });
    assert.equal(push.app_id, 'app_test');
    assert.deepEqual(Object.keys(push.body.data).sort(), ['lock_id', 'mode', 'result', 'time', 'uid']);
    assert.equal(push.body.data.lock_id, 1000001);
    assert.equal(push.body.data.mode, 3);
    assert.equal(push.body.data.time, '2023-11-15 06:13:20');
  } finally {
    await world.close();
  }
});

test('control API: clock, lock knobs, bad input named, unknown ids 404', async () => {
  const world = await World.create(fixture);
  try {
    assert.deepEqual((await control(world, 'POST', '/clock', { advance: 600 })).body, { time: 1700000600, mode: 'frozen' });
    const bad = await control(world, 'POST', '/clock', { advance: -1 });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error, /advance/);
    const knob = await control(world, 'POST', '/locks/1000001', { battery_pct: 150 });
    assert.equal(knob.status, 400);
    assert.match(knob.body.error, /battery_pct/);
    assert.equal((await control(world, 'POST', '/locks/1000001', { colour: 'red' })).status, 400);
    assert.equal((await control(world, 'GET', '/locks/42')).status, 404);
    assert.equal((await control(world, 'POST', '/gateways/42', { online: false })).status, 404);
    const off = await control(world, 'POST', '/locks/1000001', { power: 'off' });
    assert.equal(off.body.power, 'off');
    const state = await call(world, '/third/lock/open', { lock_id: 1000001, attach: '' });
    assert.equal(state.code, 360);
    const made = world.locks.liveCount;
    const view = await control(world, 'GET', '/world');
    assert.equal(view.body.locks.length, fixture.locks.length);
    assert.equal(view.body.locks.find((l: any) => l.lock_id === 1000001).online, false);
    // DESIGN §13: the view reads the unused locks without making them for good, and shows each as its own view does.
    assert.equal(world.locks.liveCount, made, 'GET /world made no lock for good');
    assert.ok(made < fixture.locks.length, 'some lock was unused');
    for (const l of view.body.locks) {
      const { battery_pct, low_voltage, is_abnormal, lock_time } = (await control(world, 'GET', `/locks/${l.lock_id}`)).body;
      assert.deepEqual({ battery_pct, low_voltage, is_abnormal, lock_time }, { battery_pct: l.battery_pct, low_voltage: l.low_voltage, is_abnormal: l.is_abnormal, lock_time: l.lock_time });
    }
  } finally {
    await world.close();
  }
});

test('an unknown defect is refused with its JSON path', async () => {
  await assert.rejects(World.create(fixture, { defects: ['no-such-defect'] }), /\$\.defects\[0\]: unknown defect/);
  // A serial-path defect has no room in a simulated world (DESIGN §6): refused, never silently inert.
  await assert.rejects(World.create(fixture, { defects: ['lock-no-lockout', 'serial-no-cache', 'typo'] }), (err: unknown) => {
    assert.ok(err instanceof FixtureError);
    assert.deepEqual(err.problems.map((p) => p.path), ['$.defects[1]', '$.defects[2]']);
    assert.match(err.problems[0]!.message, /^defect "serial-no-cache" acts in the serial-lock room; this input seeds lock, gateway, broker, cloud/);
    return true;
  });
});

test('reset: the clock, the locks, the gateways, the pushes and the cloud state go back to the start, on the same ports', async () => {
  const world = await World.create(fixture, { ackTimeoutMs: 400, pushBackoffMs: 10 });
  try {
    const urls = world.urls;
    const first = await call(world, '/third/lock/time_sync/seq/get', { lock_id: 1000001 });
    const pwd = await call(world, '/third/v2/lock/pwd/get', { lock_id: 1000001, uid: 7, effective_at: fixture.world.start, expire: 3600 });
    assert.equal(pwd.code, 200);
    assert.equal((await call(world, '/third/lock/open', { lock_id: 1000001, attach: '' })).code, 200);
    await waitUntil('the unlock push', async () => ((await control(world, 'GET', '/push')).body.length > 0 ? true : undefined), { timeoutMs: 2000 });
    await control(world, 'POST', '/clock', { advance: 86400 });
    await control(world, 'POST', '/locks/1000001', { jammed: true, battery_pct: 5 });
    await control(world, 'POST', '/gateways/1000002', { online: false });
    await control(world, 'POST', '/push/faults', { fail_next: 3 });

    await world.reset();

    assert.deepEqual(world.urls, urls, 'no server restarted');
    assert.equal(world.clock.now(), fixture.world.start);
    const lock = (await control(world, 'GET', '/locks/1000001')).body;
    assert.equal(lock.battery_pct, 80);
    assert.deepEqual(lock.uids, []);
    assert.deepEqual(lock.cloud_uids, []);
    assert.deepEqual((await control(world, 'GET', '/push')).body, []);
    const again = await call(world, '/third/lock/time_sync/seq/get', { lock_id: 1000001 });
    assert.equal((again.data as { seq: number }).seq, (first.data as { seq: number }).seq, 'seqs start again at seq_start');
    assert.equal((await call(world, '/third/lock/open', { lock_id: 1000001, attach: '' })).code, 200, 'gateway online, lock not jammed');
    const pushes = await waitUntil('the push after reset', async () => {
      const list = (await control(world, 'GET', '/push')).body;
      return list.length > 0 ? list : undefined;
    }, { timeoutMs: 2000 });
    assert.equal(pushes.length, 1, 'the sink answers 200 again and holds only the new push');
  } finally {
    await world.close();
  }
});
