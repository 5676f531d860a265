import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { signBody } from '../protocol/index.ts';
import { parseFixture, type Fixture } from './fixture.ts';
import { World } from './world.ts';

// Fault rates in the fixture file (fixture-faults.ts; docs/fixture-file.md §7 `faults`).

const fleet = JSON.parse(readFileSync(new URL('../../fixtures/fleet.json', import.meta.url), 'utf8')) as Record<string, unknown>;

function fixtureWith(faults: unknown): Fixture {
  const parsed = parseFixture({ ...fleet, faults });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.fixture;
}

const problemsOf = (faults: unknown): string[] => {
  const parsed = parseFixture({ ...fleet, faults });
  return parsed.ok ? [] : parsed.problems.map((p) => `${p.path} ${p.message}`);
};

test('$.faults is read with its defaults, and every bad rate is named by its JSON path', () => {
  assert.deepEqual(fixtureWith(undefined).faults, { gateways: [], push: null, locks: [] }, 'no faults by default');
  assert.deepEqual(fixtureWith({ gateways: [{ ap_id: 1000002, latency_ms: { mean: 20 } }], push: { fail_rate: 0.05 }, locks: [{ lock_id: 1000001, loss_rate: 0.1 }] }).faults, {
    gateways: [{ ap_id: 1000002, drop_rate: 0, latency_ms: { meanMs: 20, jitterMs: 0 } }],
    push: { fail_rate: 0.05, status: 503 },
    locks: [{ lock_id: 1000001, loss_rate: 0.1 }],
  });
  assert.deepEqual(problemsOf({ gateways: [{ ap_id: 1000002, drop_rate: 1.5 }] }), ['$.faults.gateways[0].drop_rate must be a number ≥ 0 and ≤ 1']);
  assert.deepEqual(problemsOf({ gateways: [{ ap_id: 1000002, latency_ms: { mean: 10, jitter: 20 } }] }), ['$.faults.gateways[0].latency_ms.jitter must be at most mean (a latency is never negative)']);
  assert.deepEqual(problemsOf({ gateways: [{ ap_id: 42, drop_rate: 0.1 }] }), ['$.faults.gateways[0].ap_id gateway 42 is not in $.gateways']);
  assert.deepEqual(problemsOf({ locks: [{ lock_id: 1000001, loss_rate: 0.1 }, { lock_id: 1000001, loss_rate: 0.2 }] }), ['$.faults.locks[1].lock_id duplicate lock_id: one entry per lock_id']);
  assert.deepEqual(problemsOf({ push: { fail_rate: 0.1, status: 200 } }), ['$.faults.push.status must be an integer ≥ 400 and ≤ 599']);
  assert.deepEqual(problemsOf({ push: { status: 503 } }), ['$.faults.push.fail_rate is required']);
  assert.deepEqual(problemsOf({ gateway: [] }), ['$.faults.gateway is not a known key']);
});

test('the fixture\'s rates act from the start and come back with every reset, drawn from the seed', { timeout: 20_000 }, async () => {
  const fixture = fixtureWith({ gateways: [{ ap_id: 1000002, drop_rate: 1, latency_ms: { mean: 20, jitter: 15 } }], push: { fail_rate: 0.25, status: 502 }, locks: [{ lock_id: 1000017, loss_rate: 1 }] });
  const world = await World.create(fixture, { ackTimeoutMs: 300, seed: 7 });
  try {
    const rates = () => ({
      gateway: world.gateways.get(1000002)!.faults.settings,
      radio: world.radioFaults.get(1000017)?.settings,
      sink: world.sink.faults.settings,
    });
    const want = { gateway: { rate: 1, latency: { meanMs: 20, jitterMs: 15 } }, radio: { rate: 1, latency: null }, sink: { rate: 0.25, latency: null } };
    assert.deepEqual(rates(), want, 'set when the world starts');
    // Traffic meets them: every command to the main lock's gateway is dropped (359), the radio loses its request.
    const app = fixture.apps[0]!;
    const call = async (path: string, fields: Record<string, unknown>) => {
      const body: Record<string, unknown> = { app_id: app.app_id, ...fields };
      body.sign = signBody(body, app.app_secret, world.clock.now());
      return (await (await fetch(`${world.urls.api}${path}`, { method: 'POST', body: JSON.stringify(body) })).json()) as { code: number; data: { online?: boolean } };
    };
    assert.equal((await call('/third/lock/open', { lock_id: 1000001, attach: '' })).code, 359);
    assert.equal((await call('/third/lock/state/get', { lock_id: 1000017 })).data.online, false);
    assert.equal(world.gateways.get(1000002)!.faults.injected.hits, 1);
    // The control API turns them off; a reset puts the world back to its fixture's start, rates included.
    await fetch(`${world.urls.control}/gateways/1000002`, { method: 'POST', body: JSON.stringify({ drop_rate: 0, latency_ms: { mean: 0, jitter: 0 } }) });
    assert.equal(world.gateways.get(1000002)!.faults.settings.rate, 0);
    await world.reset();
    assert.deepEqual(rates(), want, 'back after a reset');
  } finally {
    await world.close();
  }
});
