import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveBench } from './bench-file.ts';
import { applyBench, BenchError } from './bench-env.ts';

const SECRET = '5e0c9a7b31d24f68a0b1c2d3e4f50617';
const BENCH = {
  run: { profile: 'kexin-2017-03', seed: 7, reports: 'out/reports' },
  places: {
    door: {
      target: 'lab', serial: '/dev/ttyUSB0', lock_id: 4100007, lock_secret: { env: 'DOOR_SECRET' },
      lab_state: 'state/lab.json', max_ppm: 40, lockout_attempts: 4, lockout_s: 30, bench_control: 'http://127.0.0.1:9000',
    },
    gw: { target: 'gateway', ap_id: 7001, secret: { env: 'LAB_GW_SECRET' }, lock_ids: [3001, 3002], lock_secret: { env: 'GW_LOCK_SECRET' }, mqtt_port: 1884 },
  },
};

const problemsOf = (raw: unknown, env: NodeJS.ProcessEnv = {}, pick?: string): string[] => {
  const r = resolveBench(raw, { env, dir: '/bench', ...(pick ? { pick } : {}) });
  return r.ok ? [] : r.problems.map((p) => `${p.path}: ${p.message}`);
};

test('a lab place becomes every variable of the lab target; relative paths are the bench file\'s', () => {
  const r = resolveBench(BENCH, { pick: 'door', env: { DOOR_SECRET: SECRET }, dir: '/bench' });
  assert.ok(r.ok, JSON.stringify(r));
  assert.deepEqual(r.bench.variables, {
    LOCKBENCH_TARGET: 'lab', LOCKBENCH_PROFILE: 'kexin-2017-03', LOCKBENCH_SEED: '7', LOCKBENCH_REPORTS: '/bench/out/reports',
    LOCKBENCH_SERIAL: '/dev/ttyUSB0', LOCKBENCH_LOCK_ID: '4100007', LOCKBENCH_LOCK_SECRET: SECRET, LOCKBENCH_LAB_STATE: '/bench/state/lab.json',
    LOCKBENCH_LOCK_MAX_PPM: '40', LOCKBENCH_LOCK_LOCKOUT_ATTEMPTS: '4', LOCKBENCH_LOCK_LOCKOUT_S: '30', LOCKBENCH_BENCH_CONTROL: 'http://127.0.0.1:9000',
  });
});

test('a gateway place: its locks as the list, its secrets from the variables they reference', () => {
  const r = resolveBench(BENCH, { pick: 'gw', env: { LAB_GW_SECRET: 'gw-s3cret', GW_LOCK_SECRET: SECRET }, dir: '/bench' });
  assert.ok(r.ok, JSON.stringify(r));
  assert.equal(r.bench.target, 'gateway');
  assert.equal(r.bench.variables.LOCKBENCH_GATEWAY_SECRET, 'gw-s3cret');
  assert.equal(r.bench.variables.LOCKBENCH_LOCK_IDS, '3001,3002');
  assert.equal(r.bench.variables.LOCKBENCH_MQTT_PORT, '1884');
  assert.equal(r.bench.variables.LOCKBENCH_SERIAL, undefined, 'another place\'s settings stay out');
});

test('a missing secret names the variable it references; only the picked place\'s secrets are looked up', () => {
  assert.deepEqual(problemsOf(BENCH, {}, 'gw'), [
    '$.places.gw.secret: references environment variable LAB_GW_SECRET, which is not set (set it, or set LOCKBENCH_GATEWAY_SECRET itself)',
    '$.places.gw.lock_secret: references environment variable GW_LOCK_SECRET, which is not set (set it, or set LOCKBENCH_LOCK_SECRET itself)',
  ]);
  assert.deepEqual(problemsOf(BENCH, { DOOR_SECRET: 'not hex' }, 'door'), ['$.places.door.lock_secret: environment variable DOOR_SECRET must hold 32 hex digits (the lock\'s 16-byte secret)']);
});

test('an inline secret is refused at its path; so are wrong types, unknown keys and a missing required key', () => {
  const bad = {
    run: { seed: -1, workers: 'two' },
    places: { door: { target: 'lab', serial: '/dev/ttyUSB0', lock_secret: SECRET, lock_idd: 1, lockout_s: 0 }, cloud: { target: 'remote', app_secret: { env: 'X' } } },
  };
  assert.deepEqual(problemsOf(bad, {}, 'door'), [
    '$.run.seed: must be an integer ≥ 0 and ≤ 4294967295',
    '$.run.workers: must be an integer ≥ 1 and ≤ 64',
    '$.places.door.lock_idd: is not a known key',
    '$.places.door.lock_secret: is a secret: give it by reference, {"env": "VARIABLE"}, never inline',
    '$.places.door.lockout_s: must be an integer ≥ 1 and ≤ 3600',
    '$.places.door.lock_id: is required for a lab place (or set LOCKBENCH_LOCK_ID)',
    '$.places.cloud.api_url: is required for a remote place (or set LOCKBENCH_API_URL)',
    '$.places.cloud.app_id: is required for a remote place (or set LOCKBENCH_APP_ID)',
    '$.places.cloud.lock_id: is required for a remote place (or set LOCKBENCH_LOCK_ID)',
  ]);
});

test('several places and no pick: the run is refused naming them; an unknown --place too', () => {
  assert.deepEqual(problemsOf(BENCH, {}), ['$.default_place: several places (door, gw): pick one with --place NAME or set $.default_place']);
  assert.deepEqual(problemsOf(BENCH, {}, 'attic'), ['$.places: no place "attic" (--place); the places are door, gw']);
});

test('applyBench: flags leave the command line, real variables override, --env-file supplies the secret', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lockbench-bench-'));
  try {
    writeFileSync(join(dir, 'bench.json'), JSON.stringify(BENCH));
    writeFileSync(join(dir, 'lab.env'), `DOOR_SECRET=${SECRET}\nLOCKBENCH_LOCK_ID=99\n`);
    const env: NodeJS.ProcessEnv = { LOCKBENCH_SERIAL: '/dev/ttyACM7', LOCKBENCH_LOCK_ID: '12' };
    const a = applyBench(['--grep', '@LAB-01', '--bench', 'bench.json', '--place=door', '--env-file', 'lab.env'], env, dir);
    assert.deepEqual(a.argv, ['--grep', '@LAB-01']);
    assert.equal(env.LOCKBENCH_SERIAL, '/dev/ttyACM7', 'the real variable wins over the file');
    assert.equal(env.LOCKBENCH_LOCK_ID, '12', 'the real variable wins over the env file');
    assert.equal(env.LOCKBENCH_LOCK_SECRET, SECRET);
    assert.equal(env.LOCKBENCH_LAB_STATE, join(dir, 'state/lab.json'));
    assert.ok(!a.set.includes('LOCKBENCH_SERIAL'));
    assert.throws(() => applyBench(['--bench', 'bench.json', '--place', 'door'], {}, dir), (e: BenchError) =>
      e.problems.join('\n') === 'bench.json: $.places.door.lock_secret: references environment variable DOOR_SECRET, which is not set (set it, or set LOCKBENCH_LOCK_SECRET itself)');
    assert.throws(() => applyBench(['--bench', 'nope.json'], {}, dir), /bench file nope.json cannot be read \(ENOENT\)/);
    assert.deepEqual(applyBench(['--list'], {}, join(dir, 'state')).argv, ['--list'], 'no bench file here and none asked for: nothing changes');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('conformance with a bad bench file stops once, up front: exit 2, every problem at its JSON path, no test run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lockbench-bench-'));
  try {
    writeFileSync(join(dir, 'bench.json'), JSON.stringify({ places: { door: { ...BENCH.places.door, lock_secret: SECRET, max_ppm: -1 } } }));
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'bin/conformance.ts', '--bench', join(dir, 'bench.json'), '--grep', '@LAB-01'], {
      encoding: 'utf8', timeout: 30_000, env: { PATH: process.env.PATH ?? '' },
    });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /\$\.places\.door\.lock_secret: is a secret: give it by reference/);
    assert.match(r.stderr, /\$\.places\.door\.max_ppm: must be a number > 0/);
    assert.doesNotMatch(r.stdout + r.stderr, new RegExp(SECRET), 'the inline secret is not echoed');
    assert.doesNotMatch(r.stdout, /Running \d+ test/, 'Playwright never started');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
