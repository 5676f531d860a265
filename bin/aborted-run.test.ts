/**
 * docs/evidence.md §14: a killed run keeps its evidence. A real `conformance` process on sim is sent SIGTERM (what
 * a CI timeout sends) once K tests were reported; its reports and matrix must hold those tests, marked
 * "aborted at test N", and the run exits 4 (README "Exit codes").
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Matrix } from '../harness/report/matrix.ts';
import { EXIT } from '../harness/report/run-outcome.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const COLUMN = 'sim · kexin-2017-03';
/** Tests reported by the list reporter before the signal. */
const K = 2;

test('SIGTERM after K tests: exit 4, a matrix marked "aborted at test N" holding the tests before it (docs/evidence.md §14)', { timeout: 90_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lockbench-aborted-'));
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bin/conformance.ts', '--target', 'sim', '--project', COLUMN, '--workers', '1', '--grep', '@STATE-|@PWD-|@INFO-'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CI: '', LOCKBENCH_REPORTS: dir, LOCKBENCH_MATRIX_DIR: dir, LOCKBENCH_SEED: '' },
    });
    let out = '';
    let passedBefore = 0;
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const done = out.match(/^\s+✓\s+\d+ /gm)?.length ?? 0;
      if (passedBefore === 0 && done >= K) {
        passedBefore = done;
        child.kill('SIGTERM');
      }
    });
    child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
    const [code] = await once(child, 'exit') as [number | null];
    assert.ok(passedBefore >= K, `the signal was sent after ${K} tests:\n${out}`);
    assert.equal(code, EXIT.aborted, out);
    const matrix = JSON.parse(readFileSync(join(dir, 'conformance.json'), 'utf8')) as Matrix;
    const run = matrix.runs.at(-1)!;
    assert.match(run.aborted ?? '', /^aborted at test \d+ of \d+$/);
    const cells = matrix.rows.map((r) => r.cells[COLUMN]).filter((c) => c !== undefined);
    const ran = cells.flatMap((c) => c.tests).filter((t) => t.status === 'passed');
    assert.ok(ran.length >= passedBefore, `the ${passedBefore} tests reported before the signal are in the matrix (found ${ran.length})`);
    assert.ok(cells.some((c) => c.status === 'not-run' && c.reasons.some((r) => r.includes(run.aborted!))), 'checks after the signal read "not run (aborted at test N …)"');
    assert.ok(!cells.some((c) => c.status === 'missing'), 'an aborted run never says "no test covers this check"');
    assert.match(readFileSync(join(dir, 'conformance.html'), 'utf8'), /id="aborted"[^>]*><b>aborted at test \d+ of \d+/);
    assert.ok(existsSync(join(dir, 'junit.xml')), 'the JUnit of the tests before the signal');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
