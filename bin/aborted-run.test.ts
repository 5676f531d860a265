/**
 * docs/evidence.md §14: a killed run keeps its evidence. A real `conformance` process on sim is sent SIGTERM (what
 * a CI timeout sends) once K tests were reported; its reports and matrix must hold those tests, marked
 * "aborted at test N", and the run exits 4 (README "Exit codes"). The Playwright runner under it killed outright
 * (SIGKILL: no onEnd) is an aborted run too: `conformance` outlives it and exits 4, with the matrix its reporter
 * wrote as tests ended, or reports/ unchanged when no test had ended.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Matrix } from '../harness/report/matrix.ts';
import { EXIT } from '../harness/report/run-outcome.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const COLUMN = 'sim · kexin-2017-03';
/** Tests reported by the list reporter before the signal. */
const K = 2;

/** `conformance --target sim` on a few quick checks, its reports in `dir`. */
function startRun(dir: string): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'bin/conformance.ts', '--target', 'sim', '--project', COLUMN, '--workers', '1', '--grep', '@STATE-|@PWD-|@INFO-'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CI: '', LOCKBENCH_REPORTS: dir, LOCKBENCH_MATRIX_DIR: dir, LOCKBENCH_SEED: '' },
  });
}

/** The Playwright runner `conformance` started (Linux: /proc lists a process's children), once it exists. */
async function runnerOf(pid: number): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const children = existsSync(`/proc/${pid}/task/${pid}/children`) ? readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean) : [];
    const runner = children.find((c) => /playwright[\s\S]*\btest\b/.test(readFileSync(`/proc/${c}/cmdline`, 'utf8').replace(/\0/g, ' ')));
    if (runner) return Number(runner);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no Playwright runner under conformance (pid ${pid}) after 10 s`);
}

/** Watch `child` until the list reporter reported K passed tests, then `act`; its exit code, output and the tests passed by then. */
async function actAfterK(child: ChildProcess, act: () => void): Promise<{ code: number | null; out: string; passedBefore: number }> {
  let out = '';
  let passedBefore = 0;
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    const done = out.match(/^\s+✓\s+\d+ /gm)?.length ?? 0;
    if (passedBefore === 0 && done >= K) {
      passedBefore = done;
      act();
    }
  });
  child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
  const [code] = await once(child, 'exit') as [number | null];
  return { code, out, passedBefore };
}

test('SIGTERM after K tests: exit 4, a matrix marked "aborted at test N" holding the tests before it (docs/evidence.md §14)', { timeout: 90_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lockbench-aborted-'));
  try {
    const child = startRun(dir);
    const { code, out, passedBefore } = await actAfterK(child, () => child.kill('SIGTERM'));
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

test('the Playwright runner SIGKILLed after K tests: conformance outlives it, exits 4, and publishes the matrix written as tests ended', { timeout: 90_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lockbench-killed-'));
  try {
    const child = startRun(dir);
    const runner = await runnerOf(child.pid!);
    // The reporter writes the matrix at most once a second (matrix-reporter.ts writeSoon): the K tests are in it after that.
    const { code, out, passedBefore } = await actAfterK(child, () => setTimeout(() => process.kill(runner, 'SIGKILL'), 1100));
    assert.ok(passedBefore >= K, `the runner was killed after ${K} tests:\n${out}`);
    assert.equal(code, EXIT.aborted, out);
    assert.match(out, /the Playwright runner was killed \(SIGKILL\); exit 4 \(aborted\)/);
    const matrix = JSON.parse(readFileSync(join(dir, 'conformance.json'), 'utf8')) as Matrix;
    assert.match(matrix.runs.at(-1)!.aborted ?? '', /^aborted at test \d+ of \d+$/, 'the matrix says the run was aborted');
    const ran = matrix.rows.map((r) => r.cells[COLUMN]).filter((c) => c !== undefined).flatMap((c) => c.tests).filter((t) => t.status === 'passed');
    assert.ok(ran.length >= passedBefore, `the ${passedBefore} tests before the kill are in the matrix (found ${ran.length})`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the Playwright runner SIGKILLed before any test ended: exit 4 (not "usage"), reports/ unchanged', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lockbench-killed-early-'));
  try {
    const child = startRun(dir);
    let out = '';
    for (const s of [child.stdout!, child.stderr!]) s.on('data', (d: Buffer) => { out += d.toString(); });
    const exited = once(child, 'exit');
    process.kill(await runnerOf(child.pid!), 'SIGKILL');
    const [code] = await exited as [number | null];
    assert.equal(code, EXIT.aborted, out);
    assert.match(out, /SIGKILL before any test ended; \S+ is unchanged \(exit 4\)/);
    assert.deepEqual(readdirSync(dir), [], 'nothing written into reports/');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
