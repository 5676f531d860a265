import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Section } from './round-trip.ts';
import { result, round } from './stats.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SUITE_REPORTS = 'reports/bench-suite';
/** The project of the whole conformance suite on the simulator (one profile). */
export const SUITE_PROJECT = 'sim · kexin-2017-03';
/** Enough empty tests that their per-test time stands above the run-to-run noise of two start-ups (~1–2 s on a busy machine). */
const EMPTY_TESTS = 200;

/** One test of a Playwright JSON report (`results.json`) and how long its run took, fixtures included. */
export interface TestTime {
  title: string;
  ms: number;
}

interface JsonSuite {
  specs?: { title: string; file?: string; tests: { results: { duration: number }[] }[] }[];
  suites?: JsonSuite[];
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

/** Write a Playwright project of `n` trivial tests into `dir` (its own config, same worker count as the suite's default). */
async function writeEmptyProject(dir: string, n: number): Promise<string> {
  const config = join(dir, `empty-${n}.config.mjs`);
  await writeFile(join(dir, `empty-${n}.spec.mjs`), [
    "import { test, expect } from '@playwright/test';",
    `for (let i = 0; i < ${n}; i++) test(\`empty \${i}\`, () => { expect(i).toBe(i); });`, '',
  ].join('\n'));
  await writeFile(config, [
    "import { defineConfig } from '@playwright/test';",
    `export default defineConfig({ testDir: '.', testMatch: 'empty-${n}.spec.mjs', fullyParallel: true, workers: 2, reporter: 'dot', outputDir: 'out-${n}' });`, '',
  ].join('\n'));
  return config;
}

/**
 * Bench figures `conformance suite wall time` and `conformance suite per-test time`: the conformance suite's
 * wall time on `sim`, and per-test overhead against an empty Playwright spec run.
 */
export async function suite(quick: boolean): Promise<Section> {
  if (quick) return { results: [], notes: ['suite: skipped in --quick'] };
  const notes: string[] = [];
  const env = { LOCKBENCH_REPORTS: SUITE_REPORTS, LOCKBENCH_MATRIX_DIR: SUITE_REPORTS };
  const run = await timed(['playwright', 'test', '--project', SUITE_PROJECT], env, 600_000);
  let tests = NaN;
  let spread: ReturnType<typeof timeSpread> | undefined;
  try {
    const report = JSON.parse(await readFile(join(ROOT, SUITE_REPORTS, 'results.json'), 'utf8')) as { stats: Record<string, number>; suites?: JsonSuite[] };
    const stats = report.stats;
    tests = (stats.expected ?? 0) + (stats.unexpected ?? 0) + (stats.flaky ?? 0) + (stats.skipped ?? 0);
    notes.push(`suite: ${tests} tests, ${stats.expected} passed, ${stats.unexpected} failed, ${stats.flaky} flaky, ${stats.skipped} skipped; exit ${run.code}`);
    spread = timeSpread(testTimes(report));
    notes.push(`suite: test time ${round(spread.totalMs / 1000)} s over both workers, median test ${round(spread.medianMs)} ms; the 10 slowest take ${round(spread.topShare * 100)} %: ${spread.slowest.slice(0, 5).map((t) => `${t.title} ${round(t.ms)} ms`).join('; ')}`);
  } catch (e) {
    notes.push(`suite: no results.json (${(e as Error).message}); exit ${run.code}: ${run.tail.slice(-300)}`);
  }
  // The empty project lives under bench/ so `@playwright/test` resolves to the same install; removed after.
  const dir = await mkdtemp(join(ROOT, 'bench', '.empty-'));
  let one;
  let many;
  try {
    one = await timed(['playwright', 'test', '--config', await writeEmptyProject(dir, 2)], {}, 120_000);
    many = await timed(['playwright', 'test', '--config', await writeEmptyProject(dir, EMPTY_TESTS)], {}, 120_000);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  if (one.code !== 0 || many.code !== 0) notes.push(`suite: empty runs exited ${one.code}/${many.code}: ${many.tail.slice(-300)}`);
  const emptyPerTest = (many.ms - one.ms) / (EMPTY_TESTS - 2);
  const suitePerTest = (run.ms - one.ms) / Math.max(1, tests - 2);
  notes.push(`suite: empty Playwright run ${round(one.ms)} ms with 2 tests, ${round(many.ms)} ms with ${EMPTY_TESTS}; per-test figures subtract the 2-test run (start-up of both workers)`);
  return {
    results: [
      result(`conformance suite wall time (${SUITE_PROJECT}, default workers)`, run.ms / 1000, 's'),
      result('conformance suite per-test time (start-up subtracted)', suitePerTest, 'ms',
        { name: 'empty Playwright test, same workers', value: emptyPerTest, unit: 'ms' }, { on: 'ratio', atMost: 2 }, '≤ 2× baseline'),
      result('empty Playwright start-up (2 tests)', one.ms / 1000, 's'),
      ...(spread ? [result('conformance suite median test time (fixtures included)', spread.medianMs, 'ms', { name: 'empty Playwright test, same workers', value: emptyPerTest, unit: 'ms' })] : []),
    ],
    notes,
  };
}
