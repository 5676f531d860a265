/** Seeded v2 passwords and internal errors kept in the stats (DESIGN §8 `GET /stats`, STYLE §2 and §8). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seededRng, type Rng } from '../random.ts';
import { LOCK, START, startWorld } from './cloud.test-kit.ts';

async function v2Password(rng: Rng): Promise<string> {
  const w = await startWorld({ rng });
  try {
    const r = await w.call('/third/v2/lock/pwd/get', { app_id: 'app_test', lock_id: LOCK, uid: 7, effective_at: START, expire: 3600 });
    assert.equal(r.body.code, 200, JSON.stringify(r.body));
    return String((r.body.data as { password: string }).password);
  } finally {
    await w.close();
  }
}

test('v2 passwords are drawn from the seed: the same seed replays them, another seed draws others', async () => {
  const a = await v2Password(seededRng(42).fork('cloud'));
  assert.equal(await v2Password(seededRng(42).fork('cloud')), a);
  const others = await Promise.all([1, 2, 3].map((s) => v2Password(seededRng(s).fork('cloud'))));
  assert.ok(others.some((p) => p !== a), `seeds 1, 2, 3 all drew ${a}`);
});

test('a handler that throws answers internal, logs its stack and keeps it in the stats', async () => {
  const broken: Rng = { seed: 0, next: () => 0, int: () => { throw new Error('draw exploded'); }, fork: () => broken };
  const w = await startWorld({ rng: broken });
  const logged: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string) => (logged.push(String(chunk)), true)) as typeof process.stderr.write;
  try {
    const r = await w.call('/third/v2/lock/pwd/get', { app_id: 'app_test', lock_id: LOCK, uid: 7, effective_at: START, expire: 3600 });
    assert.equal(r.body.code, 500, 'kexin-2017-03 answers internal as code 500');
    assert.equal(r.body.data, null);
    assert.equal(w.cloud.stats.internalErrors, 1);
    const [kept] = w.cloud.stats.recentErrors;
    assert.equal(kept?.path, '/third/v2/lock/pwd/get');
    assert.equal(kept?.at, START);
    assert.match(kept?.stack ?? '', /draw exploded\n\s+at /);
    assert.ok(logged.some((l) => l.includes('internal error on /third/v2/lock/pwd/get') && l.includes('draw exploded')), logged.join(''));
    // Only the newest few are kept.
    for (let i = 0; i < 12; i++) await w.call('/third/v2/lock/pwd/get', { app_id: 'app_test', lock_id: LOCK, uid: 7, effective_at: START, expire: 3600 });
    assert.equal(w.cloud.stats.recentErrors.length, 10);
    assert.equal(w.cloud.stats.internalErrors, 13);
  } finally {
    process.stderr.write = write;
    await w.close();
  }
});
