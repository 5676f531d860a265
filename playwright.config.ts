import { defineConfig } from '@playwright/test';
import { isProfileName, type ProfileName } from './sim/protocol/index.ts';
import type { Options } from './harness/fixtures/index.ts';
import type { TargetName } from './harness/targets/session.ts';
import { SIM_CATALOGUE, specsOf } from './harness/defects/catalogue.ts';

// `npm run conformance -- --target X` sets LOCKBENCH_TARGET; the default is the embedded simulator.
const target = (process.env.LOCKBENCH_TARGET ?? 'sim') as TargetName;
const envProfile = process.env.LOCKBENCH_PROFILE;
const profiles: ProfileName[] = isProfileName(envProfile) ? [envProfile] : target === 'sim' ? ['kexin-2017-03', 'kexin-2017-10'] : ['kexin-2017-03'];
const reports = process.env.LOCKBENCH_REPORTS ?? 'reports';
// Seeded defects (issue 4): a comma-separated list; empty for a conformance run.
const defects = (process.env.LOCKBENCH_DEFECTS ?? '').split(',').map((d) => d.trim()).filter(Boolean);

// `npm run defects` (issue 4): one project per seeded defect over the tests of the checks expected
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
const conformanceReporters = [
  ['list'],
  ['html', { outputFolder: `${reports}/html`, open: 'never' }],
  ['junit', { outputFile: `${reports}/junit.xml` }],
  ['json', { outputFile: `${reports}/results.json` }],
  ['./harness/report/matrix-reporter.ts', { outputDir: process.env.LOCKBENCH_MATRIX_DIR ?? 'reports', htmlReport: `${reports}/html/index.html` }],
] as const;

export default defineConfig<Options>({
  testDir: 'specs',
  testMatch: '**/*.spec.ts',
  outputDir: defectRun ? 'test-results/defects' : `test-results/${target}${defects.length ? `-${defects.join('+')}` : ''}`,
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: process.env.LOCKBENCH_WORKERS ? Number(process.env.LOCKBENCH_WORKERS) : 2,
  timeout: 20_000,
  expect: { timeout: 2_000 },
  reporter: defectRun ? [['dot'], ['json', { outputFile: 'reports/defects/results.json' }]] : [...conformanceReporters] as never,
  projects: defectRun
    ? defectProjects
    : profiles.map((profile) => ({
      name: `${target} · ${profile}`,
      use: { targetName: target, profile, defects },
    })),
});
