import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DEFAULT_FIXTURE_PATH, FixtureError, loadFixture } from '../sim/world/index.ts';
import { ApIndex } from '../sim/world/ap-index.ts';
import { cloudLocksOf } from '../sim/world/cloud-locks.ts';
import { signBody } from '../sim/protocol/index.ts';
import { startWorldFromFile } from './world-load.ts';
import { loadCloudPart } from './cloud-part.ts';

// DESIGN §13: the cloud alone gets its registry from a loader thread; it must answer as one made in place.
test('loadCloudPart: the fixture without its locks, and a registry answering every lock as the fixture has it', async () => {
  const whole = await loadFixture(DEFAULT_FIXTURE_PATH);
  const { fixture, locks } = await loadCloudPart(DEFAULT_FIXTURE_PATH);
  // The gateways' lock lists stay behind with the locks: each lock's gateway is in the registry.
  assert.deepEqual(fixture, { ...whole, gateways: whole.gateways.map((g) => ({ ...g, locks: [] })), locks: [] });
  const apOf = new ApIndex();
  apOf.fill(whole.gateways);
  const here = cloudLocksOf(whole.locks, apOf);
  assert.equal(locks.size, whole.locks.length);
  for (const l of whole.locks) assert.deepStrictEqual(locks.byMac(l.mac), here.byId(l.lock_id), `lock ${l.lock_id}`);
});

test('loadCloudPart: a bad fixture is refused with its JSON paths', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lockbench-world-load-'));
  try {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ apps: [], locks: [{ lock_id: 1, mac: 'nope', secret_hex: '00' }] }));
    await assert.rejects(loadCloudPart(file), (e: unknown) => e instanceof FixtureError && e.problems.some((p) => p.path === '$.locks[0].mac'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('startWorldFromFile: the cloud alone on a small file keeps no fixture lock and answers each lock\'s detail', async () => {
  const whole = await loadFixture(DEFAULT_FIXTURE_PATH);
  const world = await startWorldFromFile(DEFAULT_FIXTURE_PATH, { gateways: false });
  try {
    assert.equal(world.fixture.locks.length, 0);
    const app = whole.apps[0]!;
    const lock = whole.locks.find((l) => l.members.length > 0)!;
    const body: Record<string, unknown> = { app_id: app.app_id, mac: lock.mac.toUpperCase() };
    body.sign = signBody(body, app.app_secret, world.clock.now());
    const res = await fetch(`${world.urls.api}/third/lock/by_mac/get`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    const answer = (await res.json()) as { code: number; data: Record<string, unknown> };
    assert.equal(answer.code, 200);
    assert.deepEqual({ lock_id: answer.data.lock_id, mac: answer.data.mac, name: answer.data.name, master: answer.data.master },
      { lock_id: lock.lock_id, mac: lock.mac, name: lock.name, master: lock.master });
  } finally {
    await world.close();
  }
});
