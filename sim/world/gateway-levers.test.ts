import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { signBody } from '../protocol/index.ts';
import { parseFixture } from './fixture.ts';
import { World } from './world.ts';
import { waitUntil } from '../io/index.ts';

// DESIGN §12 and TEST-PLAN GWP-*: the control API's levers on gateways — reboot, drop, probe, reset —
// and a fixture gateway that connects by itself (external).

const parsed = parseFixture(JSON.parse(readFileSync(new URL('../../fixtures/fleet.json', import.meta.url), 'utf8')));
if (!parsed.ok) throw new Error('fleet.json invalid');
const fixture = parsed.fixture;
const app = fixture.apps[0]!;
const AP = 1000002;
const LOCK = 1000001;
const T = { timeout: 10_000 };

async function control(world: World, method: string, path: string, body?: unknown) {
  const res = await fetch(`${world.urls.control}${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as any };
}

async function open(world: World, lockId = LOCK): Promise<number> {
  const body: Record<string, unknown> = { app_id: app.app_id, lock_id: lockId, attach: '' };
  body.sign = signBody(body, app.app_secret, world.clock.now());
  const res = await fetch(`${world.cloud!.url}/third/lock/open`, { method: 'POST', body: JSON.stringify(body) });
  return ((await res.json()) as { code: number }).code;
}

async function withWorld(body: (w: World) => Promise<void>, externalGateways?: number[]): Promise<void> {
  const world = await World.create(fixture, { ackTimeoutMs: 500, pushBackoffMs: 10, externalGateways });
  try {
    await body(world);
  } finally {
    await world.close();
  }
}

const unlockPushes = (w: World): unknown[] => w.sink.list().filter((p) => (p.body as { type: number }).type === 2);

test('reboot: offline (will) then online pushes, event ids from 1 again, and each new event pushed once', T, () =>
  withWorld(async (w) => {
    assert.equal(await open(w), 200);
    assert.equal(await open(w), 200);
    await waitUntil('two unlock pushes', () => unlockPushes(w).length === 2, { timeoutMs: 3000 });
    const r = await control(w, 'POST', `/gateways/${AP}`, { reboot: true });
    assert.equal(r.status, 200);
    await waitUntil('type 1 true after the reboot', () => w.sink.list().some((p) => (p.body as any).type === 1 && (p.body as any).data.online === true), { timeoutMs: 3000 });
    assert.equal(await open(w), 200);
    await waitUntil('the third unlock push', () => unlockPushes(w).length === 3, { timeoutMs: 3000 });
    const events = (await control(w, 'GET', `/gateways/${AP}/mqtt`)).body.record.events as { connection: number; body: string }[];
    assert.deepEqual(events.map((e) => [e.connection, JSON.parse(e.body).event_id]), [[1, 1], [1, 2], [2, 1]]);
    const types1 = w.sink.list().filter((p) => (p.body as any).type === 1 && p.app_id === app.app_id).map((p) => (p.body as any).data.online);
    assert.deepEqual(types1, [false, true]);
  }));

test('probe: a command sent twice with one id gets two identical acks and actuates once', T, () =>
  withWorld(async (w) => {
    const r = await control(w, 'POST', `/gateways/${AP}/probe`, { cmd: { lock_id: LOCK, op: 'unlock', args: {} }, copies: 2, wait_ms: 1000 });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.sent, 2);
    assert.equal(r.body.acks.length, 2);
    assert.deepEqual(r.body.acks[0].body, r.body.acks[1].body);
    assert.equal(r.body.acks[0].same_id, true);
    await waitUntil('the unlock push', () => unlockPushes(w).length === 1, { timeoutMs: 3000 });
    await new Promise((res) => setTimeout(res, 100));
    assert.equal(unlockPushes(w).length, 1);
    const bad = await control(w, 'POST', `/gateways/${AP}/probe`, { cmd: { lock_id: 0, op: 'unlock' } });
    assert.deepEqual(bad, { status: 400, body: { error: 'cmd.lock_id must be a uint32' } });
  }));

test('drop: the broker cuts the gateway, its will marks it offline, it reconnects by itself', T, () =>
  withWorld(async (w) => {
    const r = await control(w, 'POST', `/gateways/${AP}/drop`);
    assert.deepEqual(r.body, { ap_id: AP, dropped: 1 });
    await waitUntil('type 1 false', () => w.sink.list().some((p) => (p.body as any).type === 1 && (p.body as any).data.online === false), { timeoutMs: 3000 });
    await waitUntil('back online', () => w.cloud!.gatewayOnline(AP) && w.gateways.get(AP)!.online, { timeoutMs: 3000 });
    assert.equal(await open(w), 200);
    const stats = (await control(w, 'GET', '/stats')).body;
    assert.equal(stats.clients[`gw:${AP}`].drops, 1);
    assert.equal(stats.clients[`gw:${AP}`].connects, 2);
  }));

test('reset: a fresh cloud on the same API port, pushes cleared, gateways still online', T, () =>
  withWorld(async (w) => {
    const url = w.cloud!.url;
    assert.equal(await open(w), 200);
    await waitUntil('the push', () => unlockPushes(w).length === 1, { timeoutMs: 3000 });
    assert.equal((await control(w, 'POST', '/reset')).status, 200);
    assert.equal(w.cloud!.url, url);
    assert.deepEqual(w.sink.list(), []);
    assert.equal(w.cloud!.gatewayOnline(AP), true);
    assert.equal(await open(w), 200);
  }));

test('an external gateway: no virtual gateway runs, its locks are offline until it connects; it has no knobs', T, () =>
  withWorld(async (w) => {
    assert.equal(w.gateways.has(AP), false);
    assert.equal(await open(w), 360);
    const knob = await control(w, 'POST', `/gateways/${AP}`, { online: true });
    assert.equal(knob.status, 404);
    assert.match(knob.body.error, /connects by itself/);
    const view = (await control(w, 'GET', '/world')).body.gateways.find((g: { ap_id: number }) => g.ap_id === AP);
    assert.deepEqual(view, { ap_id: AP, online: false, external: true });
  }, [AP]));

test('hold: with the next command held, four opens sent at once are one 200 and three 365; bad fields are 400s naming them', T, () =>
  withWorld(async (w) => {
    const r = await control(w, 'POST', `/gateways/${AP}/hold`, { hold_ms: 200 });
    assert.deepEqual(r, { status: 200, body: { ap_id: AP, hold_ms: 200, within_ms: 10_000 } });
    const started = performance.now();
    const timed = async (): Promise<[number, number]> => [await open(w), performance.now() - started];
    const answers = await Promise.all([timed(), timed(), timed(), timed()]);
    assert.deepEqual(answers.map(([code]) => code).sort(), [200, 365, 365, 365]);
    const [, openedMs] = answers.find(([code]) => code === 200)!;
    assert.ok(openedMs >= 200, `the open answered 200 after ${openedMs.toFixed(1)} ms: its command was not held`);
    assert.deepEqual(await control(w, 'POST', `/gateways/${AP}/hold`, { hold_ms: '200' }), { status: 400, body: { error: 'hold_ms must be an integer 1…10000' } });
    assert.deepEqual(await control(w, 'POST', `/gateways/${AP}/hold`, { hold_ms: 200, within_ms: 0 }), { status: 400, body: { error: 'within_ms must be an integer 1…60000' } });
    assert.deepEqual(await control(w, 'POST', `/gateways/${AP}/hold`, { hold_ms: 200, for: 1 }), { status: 400, body: { error: 'for is not a hold field (hold_ms, within_ms)' } });
    assert.equal((await control(w, 'POST', '/gateways/999/hold', { hold_ms: 200 })).status, 404);
  }));

test('release: a command held for up to 5 s is routed once the three refusals are back, well inside the 500 ms ack timeout', T, () =>
  withWorld(async (w) => {
    assert.equal((await control(w, 'POST', `/gateways/${AP}/hold`, { hold_ms: 5000 })).status, 200);
    let answered = 0;
    let released: Promise<{ status: number; body: any }> | undefined;
    const counted = async (): Promise<number> => {
      const code = await open(w);
      if (++answered === 3) released = control(w, 'POST', `/gateways/${AP}/release`);
      return code;
    };
    const codes = await Promise.all([counted(), counted(), counted(), counted()]);
    assert.deepEqual(codes.sort(), [200, 365, 365, 365]);
    const r = await released!;
    assert.equal(r.status, 200);
    assert.ok(r.body.released === 0 || r.body.released === 1, JSON.stringify(r.body));
    assert.deepEqual(await control(w, 'POST', '/gateways/999/release'), { status: 404, body: { error: 'no gateway 999' } });
  }));
