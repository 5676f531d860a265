/**
 * `defineConfig()` of `lockbench/config`: the whole Playwright configuration of a conformance run (DESIGN §8, §9,
 * §14) — the targets as projects, the reporters, the run gate as global setup — so a team's
 * `playwright.config.ts` is three lines, and this repository's own config is the same call. Every default
 * path (specs, plan, reporters, global setup) resolves against the package; reports and test results go to the
 * caller's working directory.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig as playwrightConfig, type PlaywrightTestConfig } from '@playwright/test';
import { randomInt } from 'node:crypto';
import { isProfileName, type ProfileName } from '../sim/protocol/index.ts';
import { parseDefectList, WORLD_ROOMS } from '../sim/defects.ts';
import { SEED_MAX } from '../sim/random.ts';
import type { Options } from './fixtures/index.ts';
import type { TargetName } from './targets/core/facets.ts';
import { SIM_CATALOGUE, specsOf } from './defects/catalogue.ts';
import { runTag, shardOfArgv } from './report/shard-records.ts';
import { planChecks } from './report/checks.ts';

/** What a team says about its own checks; every field is optional. */
export interface LockbenchConfig {
  /** The team's spec folder (`*.spec.ts`), relative to the working directory; default `tests` (none when absent). */
  testDir?: string;
  /** The team's plan file (docs/TEST-PLAN.md's format), relative to the working directory; default `lockbench.plan.md` when present. */
  plan?: string;
  /** Whether lockbench's own suite and plan run beside the team's; default true. */
  builtIn?: boolean;
}

/** `.ts` when run from the sources through tsx, `.js` from the built package (dist/). */
const EXT = import.meta.url.endsWith('.ts') ? '.ts' : '.js';

/** A path inside the package (the repository, or dist/ of the built package), whatever the caller's directory. */
export function packagePath(rel: string): string {
  return fileURLToPath(new URL(`../${rel}`, import.meta.url));
}

/** A module of the package by its source name without extension (`harness/report/junit-ids`). */
const packageModule = (rel: string): string => packagePath(`${rel}${EXT}`);

/** The team's plan file: the one named (it must exist: a typo would silently drop the team's rows), else the default when present. */
function teamPlanOf(plan: string | undefined): string | undefined {
  if (plan !== undefined) {
    const path = resolve(plan);
    if (!existsSync(path)) throw new Error(`lockbench defineConfig: plan "${plan}" does not exist (${path})`);
    return path;
  }
  const fallback = resolve('lockbench.plan.md');
  return existsSync(fallback) ? fallback : undefined;
}

const OPTION_TYPES: Record<keyof LockbenchConfig, 'string' | 'boolean'> = { testDir: 'string', plan: 'string', builtIn: 'boolean' };

/** The team's options as given (a JavaScript config has no type checker): an unknown or mistyped one is named. */
function checkOptions(team: unknown): LockbenchConfig {
  if (typeof team !== 'object' || team === null || Array.isArray(team)) throw new Error(`lockbench defineConfig: the options must be an object, got ${JSON.stringify(team)}`);
  for (const [key, value] of Object.entries(team)) {
    const type = OPTION_TYPES[key as keyof LockbenchConfig];
    if (!type) throw new Error(`lockbench defineConfig: unknown option "${key}" (known: ${Object.keys(OPTION_TYPES).join(', ')})`);
    if (value !== undefined && typeof value !== type) throw new Error(`lockbench defineConfig: option "${key}" must be a ${type}, got ${JSON.stringify(value)}`);
  }
  return team as LockbenchConfig;
}

/** The team's part of a run: whether the built-in suite runs, the team's spec folder (if any) and plan file. */
interface TeamPart {
  builtIn: boolean;
  teamDir: string;
  teamSpecs: boolean;
  teamPlan: string | undefined;
}

function teamPartOf(options: LockbenchConfig): TeamPart {
  const team = checkOptions(options);
  const builtIn = team.builtIn ?? true;
  const teamDir = resolve(team.testDir ?? 'tests');
  // A testDir named but absent is a typo that would drop the team's checks silently; the default may be absent.
  if (team.testDir !== undefined && !existsSync(teamDir)) throw new Error(`lockbench defineConfig: testDir "${team.testDir}" does not exist (${teamDir})`);
  const teamSpecs = existsSync(teamDir) && teamDir !== packagePath('specs');
  if (!builtIn && !teamSpecs) throw new Error(`lockbench defineConfig: builtIn is false and the team's testDir ${teamDir} does not exist: nothing to run`);
  const teamPlan = teamPlanOf(team.plan);
  // A bad team plan stops the run here, once, naming the file (the matrix reporter would only fall back).
  planChecks({ builtIn, planFiles: teamPlan ? [teamPlan] : [] });
  return { builtIn, teamDir, teamSpecs, teamPlan };
}

/** What the environment says about this run (DESIGN §8 variables), read once. */
interface RunPart {
  target: TargetName;
  profiles: ProfileName[];
  reports: string;
  matrixDir: string;
  defects: string[];
  defectRun: boolean;
  /** Seed, defects and variant: the HTML report's metadata and the matrix header (DESIGN §9). */
  metadata: Record<string, string>;
}

function runPartOf(env: NodeJS.ProcessEnv): RunPart {
  // `npm run conformance -- --target X` sets LOCKBENCH_TARGET; the default is the embedded simulator.
  const target = (env.LOCKBENCH_TARGET ?? 'sim') as TargetName;
  const envProfile = env.LOCKBENCH_PROFILE;
  const profiles: ProfileName[] = isProfileName(envProfile) ? [envProfile] : target === 'sim' ? ['kexin-2017-03', 'kexin-2017-10'] : ['kexin-2017-03'];
  // Seeded defects (DESIGN §9): a comma-separated list; empty for a conformance run. A name the
  // registry does not know stops the run here, once, naming the variable.
  const defects: string[] = parseDefectList(env.LOCKBENCH_DEFECTS ?? '', 'LOCKBENCH_DEFECTS', WORLD_ROOMS);
  // STYLE §2: one seed per run, picked here when none is given so the reports can name it; workers inherit it.
  if (!env.LOCKBENCH_SEED) env.LOCKBENCH_SEED = String(randomInt(0, SEED_MAX));
  return {
    target,
    profiles,
    // `bin/conformance.ts` points these at a staging folder and moves it into reports/ only once a test began
    // (DESIGN §14: the reports are the evidence of a run; a run that never started leaves them byte-identical).
    reports: resolve(env.LOCKBENCH_REPORTS ?? 'reports'),
    matrixDir: resolve(env.LOCKBENCH_MATRIX_DIR ?? 'reports'),
    defects,
    defectRun: env.LOCKBENCH_DEFECT_RUN === '1',
    metadata: { seed: env.LOCKBENCH_SEED, defects: defects.join(',') || 'none', ...(env.LOCKBENCH_VARIANT ? { variant: env.LOCKBENCH_VARIANT } : {}) },
  };
}

const SPEC_MATCH = `**/*.spec${EXT}`;

/**
 * `npm run defects` (DESIGN §9 "the suite must fail on a broken device"): one project per seeded defect over the
 * tests of the checks expected to catch it, plus the clean world (left out with LOCKBENCH_DEFECTS_NO_CLEAN=1
 * when a conformance run just ran it). The built-in suite's own defects: a team's specs take no part.
 */
function defectProjects(env: NodeJS.ProcessEnv) {
  return [
    ...(env.LOCKBENCH_DEFECTS_NO_CLEAN === '1' ? [] : [{ name: 'clean', testMatch: SPEC_MATCH, use: { targetName: 'sim' as const, profile: 'kexin-2017-03' as const, defects: [] } }]),
    ...SIM_CATALOGUE.map((d) => ({
      name: `defect:${d.name}`,
      testMatch: specsOf(d).map((f) => f.replace(/\.ts$/, EXT)),
      grep: new RegExp(d.caughtBy.map((id) => `@${id}\\b`).join('|')),
      use: { targetName: 'sim' as const, profile: 'kexin-2017-03' as const, defects: [d.name] },
    })),
  ];
}

/** The evidence of a conformance run (DESIGN §14): list, blob (shards), HTML, JUnit with check IDs, JSON and the matrix. */
function conformanceReporters(run: RunPart, team: TeamPart, env: NodeJS.ProcessEnv) {
  // DESIGN §13 suite shards: each run adds its blob (own folder: the blob reporter empties its folder) and matrix records.
  const blobDir = env.LOCKBENCH_BLOB_DIR ?? '';
  const blobReporter = blobDir ? [['blob', { outputDir: `${blobDir}/${runTag(run.target, shardOfArgv(process.argv))}` }]] as const : [];
  const { reports, matrixDir, target } = run;
  return [
    ['list'],
    ...blobReporter,
    ['html', { outputFolder: `${reports}/html`, open: 'never' }],
    // DESIGN §14: a case's name carries its project, so the two profiles' cases never share a name.
    ['junit', { outputFile: `${reports}/junit.xml`, includeProjectInTestName: true }],
    // After junit on purpose: it appends check IDs to the names junit just wrote (DESIGN §14).
    [packageModule('harness/report/junit-ids'), { junitFile: `${reports}/junit.xml` }],
    ['json', { outputFile: `${reports}/results.json` }],
    // `--station` (harness/station/): the runner's events for the live page, only when a station runs.
    ...(env.LOCKBENCH_STATION_DIR ? [[packageModule('harness/station/station-reporter')]] as const : []),
    [packageModule('harness/report/matrix-reporter'), {
      outputDir: matrixDir, previousDir: resolve(env.LOCKBENCH_MATRIX_PREVIOUS ?? matrixDir), htmlReport: `${reports}/html/index.html`, blobDir, target,
      builtInPlan: team.builtIn, ...(team.teamPlan ? { planFiles: [team.teamPlan] } : {}),
    }],
  ] as const;
}

/**
 * One column of the matrix per target × profile: the team's project of a column (its own testDir) reports into
 * the same column as the built-in one (harness/report/matrix-reporter.ts reads `metadata.column`).
 */
function targetProjects(run: RunPart, team: TeamPart) {
  return run.profiles.flatMap((profile) => {
    const column = `${run.target} · ${profile}`;
    const use = { targetName: run.target, profile, defects: run.defects };
    return [
      ...(team.builtIn ? [{ name: column, testDir: packagePath('specs'), testMatch: SPEC_MATCH, metadata: { column }, use }] : []),
      ...(team.teamSpecs ? [{ name: team.builtIn ? `${column} · team` : column, testDir: team.teamDir, testMatch: '**/*.spec.{ts,js,mts,mjs}', metadata: { column }, use }] : []),
    ];
  });
}

/** A Playwright configuration running lockbench's suite and/or the team's specs on the target of `LOCKBENCH_TARGET`. */
export function defineConfig(options: LockbenchConfig = {}): PlaywrightTestConfig<Options> {
  const env = process.env;
  const team = teamPartOf(options);
  const run = runPartOf(env);
  const { target, defects, defectRun } = run;
  // DESIGN §12: the gateway target's cloud and broker live for the whole run in the runner process
  // (global setup); one gateway serves one test at a time, so one worker, tests in file order.
  const gatewayRun = target === 'gateway' && !defectRun;
  // DESIGN §11: one port, one worker — the lab target runs by itself whatever --workers says.
  const lab = target === 'lab' && !defectRun;
  // A remote cloud is checked through one real lock (LOCKBENCH_LOCK_ID): two workers commanding it at once would
  // only measure each other (365 busy), so remote defaults to one worker too (LOCKBENCH_WORKERS overrides).
  const defaultWorkers = target === 'remote' ? 1 : 2;
  const workers = lab || gatewayRun ? 1 : env.LOCKBENCH_WORKERS ? Number(env.LOCKBENCH_WORKERS) : defaultWorkers;

  return playwrightConfig<Options>({
    testDir: packagePath('specs'),
    // Settings, seed, remote clock and lab device checked once before any test (DESIGN §11: a run that cannot
    // start stops once, up front).
    globalSetup: packageModule('harness/fixtures/run-gate'),
    metadata: run.metadata,
    testMatch: SPEC_MATCH,
    outputDir: resolve(defectRun ? 'test-results/defects' : `test-results/${target}${defects.length ? `-${defects.join('+')}` : ''}`),
    fullyParallel: !lab && !gatewayRun,
    forbidOnly: !!env.CI,
    retries: 0,
    workers,
    // A real device runs on real time: placing its clock takes up to a second per boundary.
    timeout: lab ? 120_000 : gatewayRun ? 60_000 : 20_000,
    expect: { timeout: 2_000 },
    // Traces of failing tests (DESIGN §14); a defect run fails on purpose and keeps none.
    use: { trace: defectRun ? 'off' : 'retain-on-failure' },
    // `--list` runs no test, so it writes no report: reports/ stays as the last run left it (DESIGN §14: the
    // reports are the evidence of a run).
    reporter: process.argv.includes('--list') ? [['list']]
      : defectRun ? [['dot'], ['json', { outputFile: resolve(env.LOCKBENCH_DEFECT_RESULTS ?? 'reports/defects/results.json') }]]
      : [...conformanceReporters(run, team, env)] as never,
    projects: defectRun ? defectProjects(env) : targetProjects(run, team),
  });
}
