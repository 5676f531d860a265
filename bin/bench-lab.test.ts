import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BenchRig } from '../harness/serial/bench-rig.ts';
import { PLACE_SETTINGS } from './bench-file.ts';

// The bench file's done-when (docs/bench-file.md): one lab place replaces every LOCKBENCH_* variable of a
// lab run. A virtual serial lock on a socat pty pair (as conformance:lab runs it), a run of two short LAB
// checks with no LOCKBENCH_* variable in its environment at all, the secret only in an env file.
const hasSocat = !spawnSync('socat', ['-V'], { stdio: 'ignore' }).error;
const LOCK_ID = 4100009;
const SECRET = '7d1e0c9a5b3f42e6a8c0b1d2e3f40516';
/** The run's bound, ms: two lockwire checks take a few seconds; a wedged run must not hang the unit tests. */
const RUN_MS = 60_000;

test('a bench file with one lab place runs the lab target from a clean environment', { skip: !hasSocat && 'socat is not installed', timeout: RUN_MS + 10_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lockbench-bench-lab-'));
  const rig = await BenchRig.start({ dir: join(dir, 'rig'), lockId: LOCK_ID, secretHex: SECRET, deviceFlags: ['--time', 'running'], deviceStderr: () => {} });
  try {
    const door = {
      target: 'lab', serial: rig.hostPath, lock_id: LOCK_ID, lock_secret: { env: 'DOOR_SECRET' }, lab_state: 'state/lab.json',
      max_ppm: 50, lockout_attempts: 5, lockout_s: 60, bench_control: rig.controlUrl,
    };
    // Every lab key is used: a key added to the lab place without this test knowing would go unproven.
    assert.deepEqual(Object.keys(door).filter((k) => k !== 'target').sort(), PLACE_SETTINGS.lab.map((s) => s.key).sort());
    const bench = { places: { door }, run: { reports: 'reports', matrix_dir: 'reports', seed: 4242, profile: 'kexin-2017-03' } };
    writeFileSync(join(dir, 'lockbench.config.json'), JSON.stringify(bench));
    writeFileSync(join(dir, 'door.env'), `DOOR_SECRET=${SECRET}\n`);

    // Nothing of the caller's environment but what finds node and socat.
    const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dir };
    const run = spawn(process.execPath, [
      '--import', 'tsx', 'bin/conformance.ts', '--bench', join(dir, 'lockbench.config.json'), '--env-file', join(dir, 'door.env'),
      '--grep', '@LAB-01\\b|@LAB-03\\b', '--output', join(dir, 'test-results'),
    ], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    run.stdout.on('data', (c: Buffer) => void (out += c));
    run.stderr.on('data', (c: Buffer) => void (out += c));
    const stop = setTimeout(() => run.kill('SIGTERM'), RUN_MS);
    const code = await new Promise<number | null>((r) => run.once('exit', r));
    clearTimeout(stop);

    assert.equal(code, 0, out);
    assert.match(out, /bench .*lockbench\.config\.json, place door \(lab\)/);
    assert.doesNotMatch(out, new RegExp(SECRET), 'the secret is never printed');
    const results = JSON.parse(readFileSync(join(dir, 'reports', 'results.json'), 'utf8')) as { stats: { expected: number; skipped: number; unexpected: number } };
    // Every selected LAB-01/LAB-03 test ran and passed (how many there are is the specs' business).
    assert.deepEqual({ skipped: results.stats.skipped, failed: results.stats.unexpected }, { skipped: 0, failed: 0 });
    assert.ok(results.stats.expected >= 3, `${results.stats.expected} tests passed`);
    assert.ok(existsSync(join(dir, 'state', 'lab.json')), 'the harness kept its seqs where the bench file said (LOCKBENCH_LAB_STATE)');
    assert.match(readFileSync(join(dir, 'reports', 'junit.xml'), 'utf8'), /LAB-03|lost response/);
  } finally {
    await rig.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
