/** The preflight (DESIGN §11): missing settings stop once naming them; a remote clock hours off is said up front. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { World, loadFixture } from '../../../sim/world/index.ts';
import { clockMessage, diagnoseRemoteClock, missingSettings, preflight, PreflightError } from './preflight.ts';

test('each target names exactly its missing settings', () => {
  assert.deepEqual(missingSettings('sim', {}), []);
  assert.deepEqual(missingSettings('remote', { LOCKBENCH_APP_ID: 'a', LOCKBENCH_APP_SECRET: 's', LOCKBENCH_LOCK_ID: '1' }), ['LOCKBENCH_API_URL']);
  assert.deepEqual(missingSettings('lab', { LOCKBENCH_LOCK_ID: '1' }), ['LOCKBENCH_SERIAL', 'LOCKBENCH_LOCK_SECRET']);
  assert.deepEqual(missingSettings('gateway', { LOCKBENCH_GATEWAY_AP_ID: '7', LOCKBENCH_GATEWAY_SECRET: 's', LOCKBENCH_LOCK_IDS: '1,2', LOCKBENCH_LOCK_SECRET: 'x' }), []);
});

test('a remote run without LOCKBENCH_API_URL stops once, naming it; a bad seed names LOCKBENCH_SEED', async () => {
  const lines: string[] = [];
  await assert.rejects(preflight({ LOCKBENCH_TARGET: 'remote', LOCKBENCH_APP_ID: 'a', LOCKBENCH_APP_SECRET: 's', LOCKBENCH_LOCK_ID: '1' }, (l) => lines.push(l)), (e: Error) => {
    assert.ok(e instanceof PreflightError);
    assert.match(e.message, /--target remote needs LOCKBENCH_API_URL \(/);
    assert.doesNotMatch(e.stack ?? '', /\n\s+at /, 'no stack trace for a settings problem');
    return true;
  });
  assert.match(lines[0] ?? '', /^lockbench: seed \d+ \(replay a run with LOCKBENCH_SEED=\d+\)$/);
  await assert.rejects(preflight({ LOCKBENCH_SEED: 'x' }, () => undefined), /LOCKBENCH_SEED must be an integer/);
});

test('the seed is kept when given and picked when absent, in the environment workers inherit', async () => {
  const given: NodeJS.ProcessEnv = { LOCKBENCH_SEED: '99' };
  await preflight(given, () => undefined);
  assert.equal(given.LOCKBENCH_SEED, '99');
  const absent: NodeJS.ProcessEnv = {};
  await preflight(absent, () => undefined);
  assert.match(absent.LOCKBENCH_SEED ?? '', /^\d+$/);
});

test('clockMessage: quiet when the clocks agree, the offset when they do not', () => {
  assert.equal(clockMessage(0.4, false), undefined);
  assert.equal(clockMessage(1.2, true), undefined);
  assert.match(clockMessage(10_800.3, true) ?? '', /^your clock is 10800 s off the cloud's \(ahead\); signatures use the hour bucket/);
  assert.match(clockMessage(-120, false) ?? '', /^your clock is 120 s off the cloud's \(behind\)/);
});

async function remoteEnvAgainst(startOffsetS: number): Promise<{ env: NodeJS.ProcessEnv; close(): Promise<void> }> {
  const fixture = await loadFixture('fixtures/fleet.json');
  // Like `npm run sim -- --start <now − 3 h> --time running`: a cloud whose world clock is behind the host's.
  fixture.world.start = Math.floor(Date.now() / 1000) + startOffsetS;
  const world = await World.create(fixture, { time: 'running' });
  const app = fixture.apps[0]!;
  return {
    env: { LOCKBENCH_TARGET: 'remote', LOCKBENCH_API_URL: world.urls.api, LOCKBENCH_APP_ID: app.app_id, LOCKBENCH_APP_SECRET: app.app_secret, LOCKBENCH_LOCK_ID: String(fixture.locks[0]!.lock_id), LOCKBENCH_SEED: '1' },
    close: () => world.close(),
  };
}

test('against a cloud 3 h behind, the preflight says so in its first lines', async () => {
  const r = await remoteEnvAgainst(-3 * 3600);
  try {
    const d = await diagnoseRemoteClock(r.env);
    assert.ok(!('error' in d), JSON.stringify(d));
    assert.ok(Math.abs(d.offsetS - 10_800) <= 2, `offset ${d.offsetS}`);
    assert.equal(d.signRefused, true);
    const lines: string[] = [];
    await preflight(r.env, (l) => lines.push(l));
    assert.equal(lines.length, 2);
    assert.match(lines[1]!, /^lockbench: your clock is 1080[0-2] s off the cloud's \(ahead\); signatures use the hour bucket .*refused a signed request$/);
  } finally {
    await r.close();
  }
});

test('against a cloud on the host clock, the preflight says nothing about clocks', async () => {
  const r = await remoteEnvAgainst(0);
  try {
    const d = await diagnoseRemoteClock(r.env);
    assert.ok(!('error' in d) && Math.abs(d.offsetS) <= 2 && !d.signRefused, JSON.stringify(d));
    const lines: string[] = [];
    await preflight(r.env, (l) => lines.push(l));
    assert.equal(lines.length, 1, lines.join('\n'));
  } finally {
    await r.close();
  }
});
