/**
 * Runs that never start a test leave reports/ byte-identical and exit by their cause (DESIGN §14; README
 * "Exit codes"); `defects` never reports what it did not run (DESIGN §9). Each case starts Playwright once,
 * against reports in a temporary folder seeded with a previous run's files.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

/** Every file under `dir` with its content hash: what "byte-identical" compares. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const p = join(dir, f);
    if (statSync(p).isFile()) out[f] = createHash('sha256').update(readFileSync(p)).digest('hex');
  }
  return out;
}

/** A reports folder as a previous run left it. */
function previousReports(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lockbench-reports-'));
  mkdirSync(join(dir, 'html'));
  mkdirSync(join(dir, 'sequences'));
  mkdirSync(join(dir, 'defects'));
  for (const [f, text] of Object.entries({ 'junit.xml': '<testsuites tests="271"/>', 'results.json': '{"suites":[]}', 'conformance.json': '{"rows":[]}', 'conformance.html': '<p>matrix</p>', 'html/index.html': 'report', 'sequences/a.html': 'seq', 'defects/results.json': '{"suites":[]}' })) {
    writeFileSync(join(dir, f), text);
  }
  return dir;
}

function run(args: string[], env: Record<string, string | undefined>): { status: number | null; out: string } {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('LOCKBENCH_')));
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'bin/lockbench.ts', ...args], { env: { ...clean, ...env }, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

test('--target lab without settings: exit 3, one paragraph naming them, reports/ byte-identical', () => {
  const dir = previousReports();
  const before = snapshot(dir);
  const r = run(['conformance', '--target', 'lab'], { LOCKBENCH_REPORTS: dir, LOCKBENCH_MATRIX_DIR: dir });
  assert.equal(r.status, 3, r.out);
  assert.match(r.out, /not starting \(bench not ready, exit 3\): --target lab needs LOCKBENCH_SERIAL/);
  assert.doesNotMatch(r.out, /\bat .*\.ts:\d+|^\s*\d+ \|/m, 'no stack, no code frame');
  assert.deepEqual(snapshot(dir), before);
});

test('a flag Playwright refuses: exit 2, reports/ byte-identical', () => {
  const dir = previousReports();
  const before = snapshot(dir);
  const r = run(['conformance', '--bogus'], { LOCKBENCH_REPORTS: dir, LOCKBENCH_MATRIX_DIR: dir });
  assert.equal(r.status, 2, r.out);
  assert.deepEqual(snapshot(dir), before);
});

test('LOCKBENCH_DEFECTS on the lab target: refused up front naming the variable, exit 2', () => {
  const r = run(['conformance', '--target', 'lab'], { LOCKBENCH_DEFECTS: 'cloud-360-for-362', LOCKBENCH_REPORTS: previousReports() });
  assert.equal(r.status, 2, r.out);
  assert.match(r.out, /LOCKBENCH_DEFECTS/);
});

test('defects --bogus exits 2 and writes no kill matrix, whatever LOCKBENCH_DEFECTS_NO_CLEAN says', () => {
  for (const noClean of [undefined, '1']) {
    const dir = previousReports();
    const r = run(['defects', '--bogus'], { LOCKBENCH_REPORTS: dir, LOCKBENCH_DEFECTS_NO_CLEAN: noClean });
    assert.equal(r.status, 2, r.out);
    assert.doesNotMatch(r.out, /kill rate/);
    assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('defects.')), [], 'no kill matrix');
    assert.deepEqual(readdirSync(join(dir, 'defects')), [], 'the stale results are gone');
  }
});
