import { test } from 'node:test';
import assert from 'node:assert/strict';
import { signBody } from '../protocol/index.ts';
import { DEFAULT_FIXTURE_PATH, loadFixture } from './load.ts';
import { World } from './world.ts';
import { waitUntil } from '../io/index.ts';
import { quietView } from './quiet.ts';
import { CloudBoundCount } from './cloud-bound.ts';

// DESIGN §9 `GET /quiet`: quiet means no pending work that could still end in a push — a push waiting out
// a retry's back-off and an event a gateway's latency holds are not quiet; once they land, the world is.

const fixture = await loadFixture(DEFAULT_FIXTURE_PATH);
const app = fixture.apps[0]!;
// fixtures/fleet.json: the main lock, its gateway and a member of its lock.
const [LOCK, AP, UID] = [1000001, 1000002, 100001];
const T = { timeout: 10_000 };

interface Quiet { quiet: boolean; known: boolean; pending: string[]; mqtt_in_transit: number }

async function control(world: World, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${world.urls.control}${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

const quiet = async (world: World, withinMs = 0): Promise<Quiet> => (await control(world, 'GET', `/quiet?within_ms=${withinMs}`)).body as Quiet;

async function open(world: World): Promise<number> {
  const body: Record<string, unknown> = { app_id: app.app_id, lock_id: LOCK, attach: '' };
  body.sign = signBody(body, app.app_secret, world.clock.now());
  const res = await fetch(`${world.cloud!.url}/third/lock/open`, { method: 'POST', body: JSON.stringify(body) });
  return ((await res.json()) as { code: number }).code;
}

async function withWorld(opts: { pushBackoffMs: number }, body: (w: World) => Promise<void>): Promise<void> {
  const world = await World.create(fixture, { ackTimeoutMs: 2000, pushBackoffMs: opts.pushBackoffMs });
  try {
    await body(world);
  } finally {
    await world.close();
  }
}

const unlockPushes = (w: World): number => w.sink.list().filter((p) => (p.body as { type: number }).type === 2).length;

test('a started world with nothing in flight is quiet at once', T, () =>
  withWorld({ pushBackoffMs: 20 }, async (w) => {
    assert.deepEqual(await quiet(w), { quiet: true, known: true, pending: [], mqtt_in_transit: 0 });
  }));

test('a push waiting out its retry back-off (DESIGN §3.4) is not quiet; the wait for quiet ends with it delivered', T, () =>
  withWorld({ pushBackoffMs: 400 }, async (w) => {
    w.sink.failDeliveries(1, 500);
    assert.equal(await open(w), 200);
    await waitUntil('the first attempt refused', () => w.sink.stats.refused === 1, { timeoutMs: 3000, intervalMs: 2 });
    const during = await quiet(w);
    assert.equal(during.quiet, false);
    assert.ok(during.pending.includes('cloud: pushes queued or retrying'), during.pending.join('; '));
    assert.equal(unlockPushes(w), 0, 'the retry is still ahead');
    const after = await quiet(w, 3000);
    assert.equal(after.quiet, true, after.pending.join('; '));
    assert.equal(unlockPushes(w), 1, 'quiet came only once the retried push had landed');
  }));

test('an event a gateway latency holds is not quiet; once it lands as a push the world is', T, () =>
  withWorld({ pushBackoffMs: 20 }, async (w) => {
    assert.equal((await control(w, 'POST', `/gateways/${AP}`, { latency_ms: 150 })).status, 200);
    // A Bluetooth unlock at the lock: its event goes to the gateway at once and waits out the latency there.
    const ble = await control(w, 'POST', `/locks/${LOCK}/ble/unlock`, { uid: UID });
    assert.equal(ble.body.result, 'ok');
    const during = await quiet(w);
    assert.equal(during.quiet, false);
    assert.ok(during.pending.some((p) => p.startsWith(`gateway ${AP}: delivering`)), during.pending.join('; '));
    assert.equal(unlockPushes(w), 0);
    const after = await quiet(w, 3000);
    assert.equal(after.quiet, true, after.pending.join('; '));
    assert.equal(unlockPushes(w), 1);
  }));

test('a world reset waits for what a delayed gateway still sends: nothing of it is left for the next test', T, () =>
  withWorld({ pushBackoffMs: 20 }, async (w) => {
    await control(w, 'POST', `/gateways/${AP}`, { latency_ms: 150 });
    assert.equal((await control(w, 'POST', `/locks/${LOCK}/ble/unlock`, { uid: UID })).body.result, 'ok');
    assert.equal(quietView(w).quiet, false);
    await w.reset();
    assert.deepEqual(quietView(w).pending, []);
    assert.equal(w.sink.list().length, 0);
  }));

test('within_ms is checked: a bad value is refused naming it', T, () =>
  withWorld({ pushBackoffMs: 20 }, async (w) => {
    for (const bad of ['abc', '-1', '1.5', '10001']) {
      const r = await control(w, 'GET', `/quiet?within_ms=${bad}`);
      assert.equal(r.status, 400, bad);
      assert.match(r.body.error, /^within_ms must be/);
    }
  }));

test('the cloud-bound count: only status, ack and event topics of the namespace; rebase counts from now', () => {
  let listener: (topic: string) => void = () => undefined;
  let received = 5;
  const count = new CloudBoundCount({ onAuthorizedPublish: (l) => ((listener = l), () => undefined) }, 'w1', () => received);
  for (const topic of ['w1/kexin/v1/gw/7/event', 'w1/kexin/v1/gw/7/ack', 'w1/kexin/v1/gw/7/status', 'w1/kexin/v1/gw/7/cmd', 'kexin/v1/gw/7/event', 'w2/kexin/v1/gw/7/event', 'w1/kexin/v1/gw/7/event/x']) listener(topic);
  assert.equal(count.inTransit, 3);
  received += 2;
  assert.equal(count.inTransit, 1);
  count.rebase();
  assert.equal(count.inTransit, 0);
});
