/**
 * Merged evidence equals single-run evidence (DESIGN §13, §14): three shards of a seeded, failing part of the
 * suite, merged by `report:merge`, give a JUnit whose every case carries its project and its check IDs (no two
 * names alike, the same IDs as the tests selected) and a matrix whose every link resolves inside the merged
 * output — followed here as a person would, link by link. Run with `npm run report:check`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { playwrightCli } from './playwright-cli.ts';

// GW-02 fails on a cloud seeded with `cloud-360-for-362` (a failing test, so a sequence diagram to link).
const GREP = '@GW-02|@PWD-0[1-4]|@SIGN-0[1-3]';

test('three merged shards: JUnit names carry project and check IDs, and every matrix link resolves', () => {
  const blobs = mkdtempSync(join(tmpdir(), 'lockbench-blobs-'));
  const out = mkdtempSync(join(tmpdir(), 'lockbench-merged-'));
  const shardReports = mkdtempSync(join(tmpdir(), 'lockbench-shard-reports-'));
  for (let k = 1; k <= 3; k++) {
    const r = spawnSync(process.execPath, [playwrightCli(), 'test', '--grep', GREP, '--shard', `${k}/3`], {
      env: { ...process.env, LOCKBENCH_DEFECTS: 'cloud-360-for-362', LOCKBENCH_BLOB_DIR: blobs, LOCKBENCH_REPORTS: shardReports, LOCKBENCH_MATRIX_DIR: shardReports, LOCKBENCH_SEED: '4242' },
      encoding: 'utf8', timeout: 180_000,
    });
    assert.ok(r.status === 0 || r.status === 1, `shard ${k}: ${r.stdout}\n${r.stderr}`);
  }
  const merge = spawnSync(process.execPath, ['--import', 'tsx', 'bin/report-merge.ts', blobs, '--out', out], { encoding: 'utf8', timeout: 180_000 });
  assert.equal(merge.status, 1, `the seeded GW-02 fails the merged verdict:\n${merge.stdout}\n${merge.stderr}`);

  const junit = readFileSync(join(out, 'junit.xml'), 'utf8');
  const names = [...junit.matchAll(/<testcase name="([^"]*)"/g)].map((m) => m[1]!);
  assert.ok(names.length >= 10, `${names.length} cases`);
  assert.equal(new Set(names).size, names.length, 'no two cases share a name');
  for (const n of names) assert.match(n, /^\[sim · kexin-2017-(03|10)\] .* @[A-Z][A-Z0-9]*-\d\d$/, n);
  const ids = new Set(names.flatMap((n) => n.match(/@[A-Z][A-Z0-9]*-\d\d/g) ?? []));
  const matrix = JSON.parse(readFileSync(join(out, 'conformance.json'), 'utf8')) as { rows: { id: string; cells: Record<string, { status: string }> }[]; runs: { defects: string[] }[] };
  const ran = matrix.rows.filter((r) => Object.values(r.cells).some((c) => c.status !== 'not-run' && c.status !== 'missing')).map((r) => `@${r.id}`);
  assert.deepEqual([...ids].sort(), ran.sort(), 'JUnit traces the same checks as the matrix');
  assert.deepEqual(matrix.runs.flatMap((r) => r.defects), ['cloud-360-for-362'], 'the matrix says what was seeded');

  const html = readFileSync(join(out, 'conformance.html'), 'utf8');
  const links = [...html.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!.replace(/&#38;/g, '&'));
  assert.ok(links.some((l) => l.startsWith('sequences/')), 'the failing GW-02 links its sequence diagram');
  for (const l of links) {
    const file = resolve(dirname(join(out, 'conformance.html')), l.split('#')[0]!);
    assert.ok(file.startsWith(out) && existsSync(file), `${l} resolves inside ${out}`);
  }
  // The HTML report's metadata names the seeding too (playwright.config.ts `metadata`).
  assert.ok(existsSync(join(out, 'html/index.html')));
});
