import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Section } from './round-trip.ts';
import { result, round } from './stats.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SUITE_REPORTS = 'reports/bench-suite';
/** The project of the whole conformance suite on the simulator (one profile). */
export const SUITE_PROJECT = 'sim · kexin-2017-03';
/** Fewest empty tests of the baseline: their per-test time (10–20 ms each under the suite configuration) must stand above the run-to-run noise of two start-ups (~1 s on a busy machine). */
const EMPTY_TESTS = 500;

/** One test of a Playwright JSON report (`results.json`) and how long its run took, fixtures included. */
export interface TestTime {
  title: string;
  ms: number;
}

interface JsonSuite {
  specs?: { title: string; file?: string; tests: { results: { duration: number; startTime?: string }[] }[] }[];
  suites?: JsonSuite[];
}

/**
 * Time per test in steady state: from the first test's start to the last test's end, over the tests that ran
 * (a Playwright JSON report's `startTime` and `duration`). Both workers' tests share the span, as they share
 * the wall clock; what comes before the first test (config, worker start) is left out, the same way for the
 * suite and for the empty baseline, so two start-ups' noise does not swamp a per-test figure of a few ms.
 */
export function steadyPerTestMs(report: { suites?: JsonSuite[] }): number {
  let first = Infinity;
  let last = -Infinity;
  let count = 0;
  const walk = (s: JsonSuite): void => {
    for (const spec of s.specs ?? []) {
      for (const t of spec.tests) {
        for (const r of t.results) {
          if (r.startTime === undefined) continue;
          const start = Date.parse(r.startTime);
          first = Math.min(first, start);
          last = Math.max(last, start + r.duration);
          count++;
        }
      }
    }
    for (const child of s.suites ?? []) walk(child);
  };
  for (const s of report.suites ?? []) walk(s);
  return count === 0 ? NaN : (last - first) / count;
}

/** Every test result's duration in a Playwright JSON report, slowest first. */
export function testTimes(report: { suites?: JsonSuite[] }): TestTime[] {
  const out: TestTime[] = [];
  const walk = (s: JsonSuite): void => {
    for (const spec of s.specs ?? []) {
      for (const t of spec.tests) for (const r of t.results) out.push({ title: `${spec.file ?? ''} › ${spec.title}`, ms: r.duration });
    }
    for (const child of s.suites ?? []) walk(child);
  };
  for (const s of report.suites ?? []) walk(s);
  return out.sort((a, b) => b.ms - a.ms);
}

/**
 * Where the suite's test time goes (issue 27 item 5: the bound that remains): the median test, the share of
 * all test time the `top` slowest tests take, and those tests.
 */
export function timeSpread(times: readonly TestTime[], top = 10): { medianMs: number; totalMs: number; topShare: number; slowest: TestTime[] } {
  const totalMs = times.reduce((sum, t) => sum + t.ms, 0);
  const sorted = times.map((t) => t.ms).sort((a, b) => a - b);
  const medianMs = sorted.length === 0 ? NaN : sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
  const slowest = [...times].sort((a, b) => b.ms - a.ms).slice(0, top);
  return { medianMs, totalMs, topShare: totalMs > 0 ? slowest.reduce((sum, t) => sum + t.ms, 0) / totalMs : NaN, slowest };
}

/** Run a command in the repo root with extra env, killed after `timeoutMs`; resolves with wall time and exit code. */
function timed(args: string[], env: Record<string, string>, timeoutMs: number): Promise<{ ms: number; code: number | null; tail: string }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = spawn('npx', args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const keep = (c: Buffer): void => { tail = (tail + c.toString()).slice(-2000); };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ ms: performance.now() - t0, code, tail });
    });
  });
}

/**
 * An empty baseline measured the way the suite is (issue 27 item 5): `n` trivial tests as a team's specs
 * (`defineConfig({ testDir, builtIn: false })`), so they run under the suite's own configuration — its project
 * name, workers, reporters (list, HTML, JUnit, JSON, matrix), run gate, trace setting and timeouts — and nothing
 * of lockbench's: no world, no fixture but Playwright's own. Returns the config file.
 */
async function writeEmptyProject(dir: string, n: number): Promise<string> {
  const specs = join(dir, `specs-${n}`);
  await mkdir(specs);
  await writeFile(join(specs, 'empty.spec.ts'), [
    "import { test, expect } from '@playwright/test';",
    `for (let i = 0; i < ${n}; i++) test(\`empty \${i}\`, () => { expect(i).toBe(i); });`, '',
  ].join('\n'));
  const config = join(dir, `empty-${n}.config.ts`);
  await writeFile(config, [
    `import { defineConfig } from ${JSON.stringify(join(ROOT, 'harness', 'config.ts'))};`,
    `export default defineConfig({ testDir: ${JSON.stringify(specs)}, builtIn: false });`, '',
  ].join('\n'));
  return config;
}

/** Enough empty tests to amortise start-up: as many as the suite ran, at least EMPTY_TESTS. */
const emptyCount = (suiteTests: number): number => (Number.isFinite(suiteTests) ? Math.max(EMPTY_TESTS, suiteTests) : EMPTY_TESTS);

/** One run of `n` empty tests under the suite's configuration: wall time and each test's duration from its JSON report. */
async function emptyRun(dir: string, n: number): Promise<{ ms: number; code: number | null; tail: string; times: TestTime[]; steadyMs: number }> {
  const reports = join(dir, `reports-${n}`);
  const env = { LOCKBENCH_REPORTS: reports, LOCKBENCH_MATRIX_DIR: reports };
  const run = await timed(['playwright', 'test', '--config', await writeEmptyProject(dir, n), '--project', SUITE_PROJECT], env, 300_000);
  const report = await readFile(join(reports, 'results.json'), 'utf8').then((t) => JSON.parse(t) as { suites?: JsonSuite[] }, () => ({}));
  return { ...run, times: testTimes(report), steadyMs: steadyPerTestMs(report) };
}

/**
 * Bench figures `conformance suite wall time`, `conformance suite per-test time` and `… median test time`: the
 * conformance suite on `sim` beside an empty Playwright test measured the same way in the same bench run —
 * same configuration and workers (`writeEmptyProject`), at least as many tests. The target figure is the steady
 * time per test (`steadyPerTestMs`), which leaves both start-ups out; the wall-time one subtracts a 2-test run's
 * wall time instead, and carries the noise of two start-ups (seconds each on a busy machine). The median test is
 * Playwright's own per-test duration, which leaves out what Playwright does between tests (an empty one: 0–1 ms).
 */
export async function suite(quick: boolean): Promise<Section> {
  if (quick) return { results: [], notes: ['suite: skipped in --quick'] };
  const notes: string[] = [];
  const env = { LOCKBENCH_REPORTS: SUITE_REPORTS, LOCKBENCH_MATRIX_DIR: SUITE_REPORTS };
  const run = await timed(['playwright', 'test', '--project', SUITE_PROJECT], env, 600_000);
  let tests = NaN;
  let steadyMs = NaN;
  let spread: ReturnType<typeof timeSpread> | undefined;
  try {
    const report = JSON.parse(await readFile(join(ROOT, SUITE_REPORTS, 'results.json'), 'utf8')) as { stats: Record<string, number>; suites?: JsonSuite[] };
    const stats = report.stats;
    tests = (stats.expected ?? 0) + (stats.unexpected ?? 0) + (stats.flaky ?? 0) + (stats.skipped ?? 0);
    notes.push(`suite: ${tests} tests, ${stats.expected} passed, ${stats.unexpected} failed, ${stats.flaky} flaky, ${stats.skipped} skipped; exit ${run.code}`);
    spread = timeSpread(testTimes(report));
    steadyMs = steadyPerTestMs(report);
    notes.push(`suite: test time ${round(spread.totalMs / 1000)} s over both workers, median test ${round(spread.medianMs)} ms; the 10 slowest take ${round(spread.topShare * 100)} %: ${spread.slowest.slice(0, 5).map((t) => `${t.title} ${round(t.ms)} ms`).join('; ')}`);
  } catch (e) {
    notes.push(`suite: no results.json (${(e as Error).message}); exit ${run.code}: ${run.tail.slice(-300)}`);
  }
  // The empty projects live under bench/ so `@playwright/test` resolves to the same install; removed after.
  const dir = await mkdtemp(join(ROOT, 'bench', '.empty-'));
  const n = emptyCount(tests);
  let one;
  let many;
  try {
    one = await emptyRun(dir, 2);
    many = await emptyRun(dir, n);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  if (one.code !== 0 || many.code !== 0) notes.push(`suite: empty runs exited ${one.code}/${many.code}: ${many.tail.slice(-300)}`);
  const emptyPerTest = (many.ms - one.ms) / (n - 2);
  const suitePerTest = (run.ms - one.ms) / Math.max(1, tests - 2);
  const emptyMedianMs = timeSpread(many.times).medianMs;
  notes.push(`suite: empty Playwright tests under the suite's configuration and project: ${round(one.ms)} ms with 2, ${round(many.ms)} ms with ${n} (median test ${round(emptyMedianMs)} ms, first start to last end ${round(many.steadyMs)} ms a test); per-test wall figures subtract the 2-test run`);
  const empty = (value: number) => ({ name: 'empty Playwright test, same configuration', value, unit: 'ms' });
  return {
    results: [
      result(`conformance suite wall time (${SUITE_PROJECT}, default workers)`, run.ms / 1000, 's'),
      result('conformance suite per-test time (first test start to last test end)', steadyMs, 'ms', empty(many.steadyMs), { on: 'ratio', atMost: 2 }, '≤ 2× baseline'),
      result('conformance suite per-test time (start-up subtracted)', suitePerTest, 'ms', empty(emptyPerTest)),
      result('empty Playwright start-up (2 tests, suite configuration)', one.ms / 1000, 's'),
      ...(spread ? [result('conformance suite median test time (fixtures included)', spread.medianMs, 'ms', empty(emptyMedianMs))] : []),
    ],
    notes,
  };
}
