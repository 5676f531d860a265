import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { signBody } from '../protocol/index.ts';
import { Broker } from '../broker/broker.ts';
import { parseFixture } from './fixture.ts';
import { generateFleet, parseShard, shardFixture } from './fleet-shard.ts';
import { World } from './world.ts';

const parsed = parseFixture(JSON.parse(readFileSync(new URL('../../fixtures/fleet.json', import.meta.url), 'utf8')));
if (!parsed.ok) throw new Error('fleet.json invalid');
const fixture = parsed.fixture;
const app = fixture.apps[0]!;

async function open(world: World, lockId: number): Promise<number> {
  const body: Record<string, unknown> = { app_id: app.app_id, lock_id: lockId, attach: '' };
  body.sign = signBody(body, app.app_secret, world.clock.now());
  const res = await fetch(`${world.urls.api}/third/lock/open`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  return ((await res.json()) as { code: number }).code;
}

test('two worlds in their own namespaces share one broker without seeing each other (DESIGN §13)', async () => {
  const secrets = new Map(fixture.gateways.map((g) => [g.ap_id, g.secret]));
  const broker = await Broker.create({ cloudPassword: 'pw', gatewaySecret: (id) => secrets.get(id) });
  const seen: string[] = [];
  const off = broker.onPublish((topic) => seen.push(topic));
  const external = { url: broker.url, cloudPassword: 'pw' };
  const worlds: World[] = [];
  try {
    const a = await World.create(fixture, { externalBroker: external, namespace: 'wa', ackTimeoutMs: 500 });
    worlds.push(a);
    const b = await World.create(fixture, { externalBroker: external, namespace: 'wb', ackTimeoutMs: 500 });
    worlds.push(b);
    assert.equal(a.urls.mqtt, broker.url);
    assert.equal(a.broker, undefined, 'no embedded broker on an external one');
    // Same ap_ids, same credentials: without namespaces B's gateways would have taken A's client ids.
    assert.equal(await open(a, 1000001), 200);
    assert.equal(await open(b, 1000001), 200);
    await a.gateways.get(1000002)!.setOnline(false);
    assert.equal(await open(a, 1000001), 360, "A's gateway is offline for A's cloud");
    assert.equal(await open(b, 1000001), 200, "…and still online for B's cloud");
    assert.ok(seen.some((t) => t.startsWith('wa/kexin/v1/gw/1000002/')) && seen.some((t) => t.startsWith('wb/kexin/v1/gw/1000002/')));
    assert.ok(seen.filter((t) => t.includes('kexin/')).every((t) => /^w[ab]\/kexin\//.test(t)), 'every topic is namespaced');
  } finally {
    off();
    for (const w of worlds) await w.close();
    await broker.close();
  }
});

test('a namespace that is not one topic level is refused at create', async () => {
  await assert.rejects(World.create(fixture, { namespace: 'a/b' }), /namespace "a\/b"/);
});

test('a devices-only world starts gateways and locks but no cloud (npm run fleet)', async () => {
  const secrets = new Map(fixture.gateways.map((g) => [g.ap_id, g.secret]));
  const broker = await Broker.create({ cloudPassword: 'pw', gatewaySecret: (id) => secrets.get(id) });
  try {
    const w = await World.create(fixture, { externalBroker: { url: broker.url, cloudPassword: 'pw' }, cloud: false });
    assert.equal(w.cloud, undefined);
    assert.equal(w.urls.api, '');
    assert.ok([...w.gateways.values()].every((g) => g.online));
    const res = await fetch(`${w.urls.control}/locks/1000001`);
    assert.equal(res.status, 200);
    await w.close();
  } finally {
    await broker.close();
  }
});

test('fleet shards split gateways by ap_id and keep the locks behind them; a generated fleet is valid', () => {
  const gen = parseFixture(generateFleet(1000, 100));
  assert.ok(gen.ok);
  const f = gen.fixture;
  const shards = [1, 2, 3].map((k) => shardFixture(f, { index: k, count: 3 }));
  assert.equal(shards.reduce((n, s) => n + s.gateways.length, 0), 100);
  assert.equal(shards.reduce((n, s) => n + s.locks.length, 0), 1000);
  for (const s of shards) {
    const behind = new Set(s.gateways.flatMap((g) => g.locks));
    assert.ok(s.locks.every((l) => behind.has(l.lock_id)));
  }
  assert.deepEqual(new Set(shards.flatMap((s) => s.gateways.map((g) => g.ap_id))).size, 100);
  assert.deepEqual(parseShard('2/4'), { index: 2, count: 4 });
  for (const bad of ['0/4', '5/4', '1/0', 'x', '1/2/3']) assert.equal(typeof parseShard(bad), 'string', bad);
  assert.deepEqual(generateFleet(10, 2), generateFleet(10, 2), 'deterministic');
});
