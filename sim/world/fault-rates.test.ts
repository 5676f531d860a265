import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { signBody } from '../protocol/index.ts';
import { waitUntil } from '../io/index.ts';
import { KIT_LOCK, withGateway } from '../gateway/gateway.test-kit.ts';
import { parseFixture } from './fixture.ts';
import { World } from './world.ts';

// Fault rates drawn from the world's seed (control-faults.ts, sim/random.ts FaultDice; STYLE §2, §3).

const COMMANDS = 1000;
const AP = 7;

/** Which of 1,000 commands a gateway at drop_rate 0.1 dropped (by id), and how many it says it injected. */
async function dropsAt(seed: number): Promise<{ dropped: string[]; injected: number }> {
  let out = { dropped: [] as string[], injected: 0 };
  await withGateway(AP, {}, async ({ probe, gw }) => {
    gw.faults.set(0.1, null, seed);
    for (let i = 0; i < COMMANDS; i++) await probe.send(AP, { id: `c${i}`, lock_id: KIT_LOCK, op: 'state', args: {} });
    const acks = (): Set<string> => new Set(probe.on(AP, 'ack').map((m) => (m.body as { id: string }).id));
    await waitUntil('every command acked or dropped', () => acks().size + gw.stats.dropped === COMMANDS, { timeoutMs: 20_000, intervalMs: 20 });
    const acked = acks();
    out = { dropped: Array.from({ length: COMMANDS }, (_, i) => `c${i}`).filter((id) => !acked.has(id)), injected: gw.faults.injected.hits };
  });
  return out;
}

test('drop_rate 0.1 over 1,000 commands drops 100 ± 30, the same ones again with the same seed', { timeout: 60_000 }, async () => {
  const first = await dropsAt(42);
  assert.ok(Math.abs(first.injected - 100) <= 30, `injected ${first.injected}`);
  assert.equal(first.dropped.length, first.injected, 'every injected drop is a command without an ack, and no other');
  const again = await dropsAt(42);
  assert.deepEqual(again, first, 'same seed, same faults');
  const other = await dropsAt(43);
  assert.notDeepEqual(other.dropped, first.dropped, 'another seed draws other faults');
});

const parsed = parseFixture(JSON.parse(readFileSync(new URL('../../fixtures/fleet.json', import.meta.url), 'utf8')));
if (!parsed.ok) throw new Error('fleet.json invalid');
const fixture = parsed.fixture;

async function control(world: World, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${world.urls.control}${path}`, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return { status: res.status, body: await res.json() };
}

test('the control API sets rates, refuses bad ones by name, and GET /stats counts what was injected', { timeout: 20_000 }, async () => {
  const world = await World.create(fixture, { ackTimeoutMs: 300, pushBackoffMs: 5, seed: 7 });
  try {
    for (const [body, field] of [[{ drop_rate: 1.5 }, 'drop_rate'], [{ latency_ms: { mean: 20, jitter: 30 } }, 'latency_ms.jitter'], [{ latency_ms: { mean: 20, spread: 1 } }, 'latency_ms.spread']] as const) {
      const bad = await control(world, 'POST', '/gateways/1000002', body);
      assert.equal(bad.status, 400);
      assert.match(bad.body.error, new RegExp(`^${field.replace('.', '\\.')} `));
    }
    const bad = await control(world, 'POST', '/push/faults', { fail_rate: -0.1 });
    assert.match(bad.body.error, /^fail_rate /);

    const set = await control(world, 'POST', '/gateways/1000002', { drop_rate: 1, latency_ms: { mean: 20, jitter: 15 } });
    assert.deepEqual([set.body.drop_rate, set.body.latency_spread], [1, { mean: 20, jitter: 15 }]);
    const app = fixture.apps[0]!;
    const open: Record<string, unknown> = { app_id: app.app_id, lock_id: 1000001, attach: '' };
    open.sign = signBody(open, app.app_secret, world.clock.now());
    const answer = await (await fetch(`${world.urls.api}/third/lock/open`, { method: 'POST', body: JSON.stringify(open) })).json();
    assert.equal((answer as { code: number }).code, 359, 'the dropped command times out');
    assert.deepEqual((await control(world, 'POST', '/push/faults', { fail_rate: 1 })).body, { fail_rate: 1, status: 503 });
    await control(world, 'POST', '/gateways/1000002', { online: false });
    await waitUntil('the offline push refused', () => world.sink.stats.refused > 0, { timeoutMs: 5000, intervalMs: 10 });
    assert.match((await control(world, 'POST', '/locks/1000017', { loss_rate: 'x' })).body.error, /^loss_rate /);
    assert.equal((await control(world, 'POST', '/locks/1000017', { loss_rate: 1 })).status, 200);
    const state: Record<string, unknown> = { app_id: app.app_id, lock_id: 1000017 };
    state.sign = signBody(state, app.app_secret, world.clock.now());
    const seen = await (await fetch(`${world.urls.api}/third/lock/state/get`, { method: 'POST', body: JSON.stringify(state) })).json();
    assert.equal((seen as { data: { online: boolean } }).data.online, false, 'a lost radio request reads as an unreachable lock');
    const injected = (await control(world, 'GET', '/stats')).body.injected;
    assert.equal(injected.gateways['1000002'].commands_dropped, 1);
    assert.ok(injected.sink.refused >= 1);
    assert.deepEqual(injected.radios['1000017'], { lost: 1, drawn: 1 });
  } finally {
    await world.close();
  }
});
