import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DEFAULT_FIXTURE_PATH, FixtureError, loadFixture } from '../sim/world/index.ts';
import { ApIndex } from '../sim/world/ap-index.ts';
import { cloudLocksOf } from '../sim/world/cloud-locks.ts';
import { loadCloudPart } from './world-load.ts';

// DESIGN §13: the cloud alone gets its registry from a loader thread; it must answer as one made in place.
test('loadCloudPart: the fixture without its locks, and a registry answering every lock as the fixture has it', async () => {
  const whole = await loadFixture(DEFAULT_FIXTURE_PATH);
  const { fixture, locks } = await loadCloudPart(DEFAULT_FIXTURE_PATH);
  assert.deepEqual(fixture, { ...whole, locks: [] });
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
