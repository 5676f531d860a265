import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseFixture } from './fixture.ts';
import { World } from './world.ts';

const parsed = parseFixture(JSON.parse(readFileSync(new URL('../../fixtures/fleet.json', import.meta.url), 'utf8')));
if (!parsed.ok) throw new Error('fleet.json invalid');
const fixture = parsed.fixture;

async function control(world: World, method: string, path: string, body?: string) {
  const res = await fetch(`${world.urls.control}${path}`, { method, ...(body === undefined ? {} : { body }) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

test('control API /sink/{app}: malformed percent-encoding and over-deep bodies are 400 {error}; GET /push keeps working (DESIGN §8)', async () => {
  const world = await World.create(fixture);
  try {
    const bad = await control(world, 'POST', '/sink/%E0%A4%A', '{"type":1,"data":{}}');
    assert.equal(bad.status, 400);
    assert.equal(typeof bad.body.error, 'string');
    const deep = `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`;
    const refused = await control(world, 'POST', '/sink/app_test', deep);
    assert.equal(refused.status, 400);
    assert.match(String(refused.body.error), /deep|nest/);
    const lock = await control(world, 'POST', '/locks/1000001', deep);
    assert.equal(lock.status, 400, 'every control body is depth-checked');
    assert.equal((await control(world, 'POST', '/sink/app_test', '{"type":1,"data":{"ap_id":1,"online":true}}')).status, 200);
    const list = await fetch(`${world.urls.control}/push`);
    assert.equal(list.status, 200);
    assert.equal(((await list.json()) as unknown[]).length, 1);
  } finally {
    await world.close();
  }
});

test('control listener: silent sockets are reaped and connections capped like the API (DESIGN §2)', async () => {
  const world = await World.create(fixture, { http: { headersTimeoutMs: 300, maxConnections: 3 } });
  const { connect } = await import('node:net');
  const port = Number(new URL(world.urls.control).port);
  const open = () => new Promise<{ closed: Promise<number> }>((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.on('error', () => {});
    s.once('connect', () => {
      const t0 = performance.now();
      resolve({ closed: new Promise((r) => s.once('close', () => r(performance.now() - t0))) });
    });
  });
  try {
    const socks = await Promise.all([open(), open(), open(), open()]);
    const times = await Promise.all(socks.map((s) => Promise.race([s.closed, new Promise<number>((r) => setTimeout(() => r(Infinity), 2500))])));
    assert.ok(times.every((t) => t < 2500), `all reaped: ${times.map((t) => t.toFixed(0)).join(',')}`);
    assert.ok(times.some((t) => t < 150), 'the one over the cap is cut at once');
    assert.equal((await fetch(`${world.urls.control}/push`)).status, 200);
  } finally {
    await world.close();
  }
});

test('control API /clock: a world time outside uint32 (DESIGN §2, §6) is refused 400 naming the field; the world keeps its time and serves', async () => {
  const world = await World.create(fixture);
  try {
    const before = world.clock.now();
    for (const body of ['{"set": 1e13}', '{"set": 4294967296}', '{"advance": 1e13}', '{"mode": "running", "rate": 1e300}']) {
      const r = await control(world, 'POST', '/clock', body);
      assert.equal(r.status, 400, body);
      assert.match(String(r.body.error), /^(set|advance|rate) /, body);
    }
    assert.equal(world.clock.now(), before);
    assert.equal((await control(world, 'POST', '/clock', '{"set": 4294967000}')).status, 200);
    const past = await control(world, 'POST', '/clock', '{"advance": 296}');
    assert.equal(past.status, 400, 'advance past 2^32 − 1 is refused');
    assert.match(String(past.body.error), /^advance .*4294967295/);
    assert.equal((await control(world, 'POST', '/locks/1000001/ble/unlock', '{"uid": 0}')).status < 500, true, 'the world still serves');
  } finally {
    await world.close();
  }
});
