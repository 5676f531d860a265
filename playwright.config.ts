import { defineConfig } from '@playwright/test';
import { isProfileName, type ProfileName } from './sim/protocol/index.ts';
import type { Options } from './harness/fixtures/index.ts';
import type { TargetName } from './harness/targets/core/facets.ts';
import { SIM_CATALOGUE, specsOf } from './harness/defects/catalogue.ts';
import { parseDefectList, WORLD_ROOMS } from './sim/defects.ts';
import { runTag, shardOfArgv } from './harness/report/shard-records.ts';
import { randomInt } from 'node:crypto';
import { SEED_MAX } from './sim/random.ts';

// `npm run conformance -- --target X` sets LOCKBENCH_TARGET; the default is the embedded simulator.
const target = (process.env.LOCKBENCH_TARGET ?? 'sim') as TargetName;
const envProfile = process.env.LOCKBENCH_PROFILE;
const profiles: ProfileName[] = isProfileName(envProfile) ? [envProfile] : target === 'sim' ? ['kexin-2017-03', 'kexin-2017-10'] : ['kexin-2017-03'];
// `bin/conformance.ts` points these at a staging folder and moves it into reports/ only once a test began
// (DESIGN §14: the reports are the evidence of a run; a run that never started leaves them byte-identical).
const reports = process.env.LOCKBENCH_REPORTS ?? 'reports';
const matrixDir = process.env.LOCKBENCH_MATRIX_DIR ?? 'reports';
// Seeded defects (DESIGN §9): a comma-separated list; empty for a conformance run. A name the
// registry does not know stops the run here, once, naming the variable.
const defects: string[] = parseDefectList(process.env.LOCKBENCH_DEFECTS ?? '', 'LOCKBENCH_DEFECTS', WORLD_ROOMS);

// STYLE §2: one seed per run, picked here when none is given so the reports can name it; workers inherit it.
if (!process.env.LOCKBENCH_SEED) process.env.LOCKBENCH_SEED = String(randomInt(0, SEED_MAX));
// What the run was seeded with, in the HTML report's metadata and the matrix header (DESIGN §9).
const metadata = {
  seed: process.env.LOCKBENCH_SEED,
  defects: defects.join(',') || 'none',
  ...(process.env.LOCKBENCH_VARIANT ? { variant: process.env.LOCKBENCH_VARIANT } : {}),
};

// `npm run defects` (DESIGN §9 "the suite must fail on a broken device"): one project per seeded defect over the
// tests of the checks expected
// to catch it, plus the clean world (left out with LOCKBENCH_DEFECTS_NO_CLEAN=1 when a conformance run just ran it).
const defectRun = process.env.LOCKBENCH_DEFECT_RUN === '1';
const defectProjects = [
  ...(process.env.LOCKBENCH_DEFECTS_NO_CLEAN === '1' ? [] : [{ name: 'clean', use: { targetName: 'sim' as const, profile: 'kexin-2017-03' as const, defects: [] } }]),
  ...SIM_CATALOGUE.map((d) => ({
    name: `defect:${d.name}`,
    testMatch: specsOf(d),
    grep: new RegExp(d.caughtBy.map((id) => `@${id}\\b`).join('|')),
    use: { targetName: 'sim' as const, profile: 'kexin-2017-03' as const, defects: [d.name] },
  })),
];
// DESIGN §12: the gateway target's cloud and broker live for the whole run in the runner process
// (global setup); one gateway serves one test at a time, so one worker, tests in file order.
const gatewayRun = target === 'gateway' && !defectRun;

// DESIGN §13 suite shards: each run adds its blob (own folder: the blob reporter empties its folder) and matrix records.
const blobDir = process.env.LOCKBENCH_BLOB_DIR ?? '';
const blobReporter = blobDir ? [['blob', { outputDir: `${blobDir}/${runTag(target, shardOfArgv(process.argv))}` }]] as const : [];
const conformanceReporters = [
  ['list'],
  ...blobReporter,
  ['html', { outputFolder: `${reports}/html`, open: 'never' }],
  // DESIGN §14: a case's name carries its project, so the two profiles' cases never share a name.
  ['junit', { outputFile: `${reports}/junit.xml`, includeProjectInTestName: true }],
  // After junit on purpose: it appends check IDs to the names junit just wrote (DESIGN §14).
  ['./harness/report/junit-ids.ts', { junitFile: `${reports}/junit.xml` }],
  ['json', { outputFile: `${reports}/results.json` }],
  ['./harness/report/matrix-reporter.ts', { outputDir: matrixDir, previousDir: process.env.LOCKBENCH_MATRIX_PREVIOUS ?? matrixDir, htmlReport: `${reports}/html/index.html`, blobDir, target }],
] as const;

// DESIGN §11: one port, one worker — the lab target runs by itself whatever --workers says.
const lab = target === 'lab' && !defectRun;
// A remote cloud is checked through one real lock (LOCKBENCH_LOCK_ID): two workers commanding it at once would
// only measure each other (365 busy), so remote defaults to one worker too (LOCKBENCH_WORKERS overrides).
const defaultWorkers = target === 'remote' ? 1 : 2;
const workers = lab || gatewayRun ? 1 : process.env.LOCKBENCH_WORKERS ? Number(process.env.LOCKBENCH_WORKERS) : defaultWorkers;

export default defineConfig<Options>({
  testDir: 'specs',
  // Settings, seed, remote clock and lab device checked once before any test (DESIGN §11: a run that cannot
  // start stops once, up front).
  globalSetup: './harness/fixtures/run-gate.ts',
  metadata,
  testMatch: '**/*.spec.ts',
  outputDir: defectRun ? 'test-results/defects' : `test-results/${target}${defects.length ? `-${defects.join('+')}` : ''}`,
  fullyParallel: !lab && !gatewayRun,
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers,
  // A real device runs on real time: placing its clock takes up to a second per boundary.
  timeout: lab ? 120_000 : gatewayRun ? 60_000 : 20_000,
  expect: { timeout: 2_000 },
  // Traces of failing tests (DESIGN §14); a defect run fails on purpose and keeps none.
  use: { trace: defectRun ? 'off' : 'retain-on-failure' },
  // `--list` runs no test, so it writes no report: reports/ stays as the last run left it (DESIGN §14: the
  // reports are the evidence of a run).
  reporter: process.argv.includes('--list') ? [['list']] : defectRun ? [['dot'], ['json', { outputFile: process.env.LOCKBENCH_DEFECT_RESULTS ?? 'reports/defects/results.json' }]] : [...conformanceReporters] as never,
  projects: defectRun
    ? defectProjects
    : profiles.map((profile) => ({
      name: `${target} · ${profile}`,
      use: { targetName: target, profile, defects },
    })),
});
