/**
 * lockbench as a firmware team installs it (DESIGN §8, §9, §14): `npm pack` (prepack builds dist/), then in a
 * project made in a temp directory outside the repository `npm init -y && npm install <tarball>` offline from the
 * npm cache, a team's three-line playwright.config.ts, a two-line spec tagged with its own `@ACME-01` and a plan
 * file naming it. `npx lockbench conformance` runs the whole built-in suite green on both sim profiles with the
 * team's check as a row of the matrix; a failing team check leaves the same evidence as a built-in one (wire log,
 * sequence diagram, seed); `npx lockbench sim` stops on SIGTERM to npx with no process and no port left.
 * Run by `npm run conformance:package`. It is *the* sim run of `npm test`: its whole-suite run writes the
 * repository's reports/ (results.json, junit.xml, html/, the matrix) as `npm run conformance` would, for the
 * defect run's clean world and the report checks after it; the failing evidence run writes the team's reports/.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Matrix } from '../harness/report/matrix.ts';
import { CHECKS } from '../harness/report/checks.ts';
import { portOpen, stopBySignal } from './processes.test-kit.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const T = { timeout: 300_000 };
const SIM_COLUMNS = ['sim · kexin-2017-03', 'sim · kexin-2017-10'];

/** What a team writes: a three-line config, a two-line spec, a plan in docs/TEST-PLAN.md's format. */
const TEAM_FILES: Record<string, string> = {
  'playwright.config.ts': "import { defineConfig } from 'lockbench/config';\n\nexport default defineConfig();\n",
  'tests/acme.spec.ts': [
    "import { test, expect } from 'lockbench';",
    "test('our main lock is known to the cloud', { tag: '@ACME-01' }, async ({ api, fleet }) => expect((await api.lockGet(fleet.need('main'))).envelope?.code).toBe(200));",
  ].join('\n'),
  // Fails only when asked to (ACME_SHOW_FAILURE): the evidence of a failing team check.
  'tests/evidence.spec.ts': [
    "import { test, expect } from 'lockbench';",
    "test('a team check that fails on request', { tag: '@ACME-02' }, async ({ api, fleet }) => {",
    "  test.skip(!process.env.ACME_SHOW_FAILURE, 'shown failing by bin/consumer.check.ts only');",
    "  expect((await api.lockGet(fleet.need('main'))).envelope?.code).toBe(418);",
    '});',
  ].join('\n'),
  'lockbench.plan.md': '# ACME\n\n## ACME — our firmware\n\n- ACME-01 The cloud knows our main lock.\n- ACME-02 A failing check shows its evidence.\n',
};

let work = '';
let project = '';

function run(command: string, args: string[], o: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): SpawnSyncReturns<string> {
  const t0 = performance.now();
  const r = spawnSync(command, args, { cwd: o.cwd, env: { ...process.env, ...o.env }, encoding: 'utf8', timeout: o.timeoutMs ?? 120_000, maxBuffer: 64 * 1024 * 1024 });
  process.stderr.write(`consumer: ${command} ${args.join(' ')}: exit ${r.status} in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  return r;
}

/** The repository's reports/: where the whole-suite run writes, as `npm run conformance` does. */
const REPO_REPORTS = join(ROOT, 'reports');

const readMatrix = (dir = join(project, 'reports')): Matrix => JSON.parse(readFileSync(join(dir, 'conformance.json'), 'utf8')) as Matrix;

before(() => {
  work = mkdtempSync(join(tmpdir(), 'lockbench-consumer-'));
  project = join(work, 'acme-firmware');
  mkdirSync(join(project, 'tests'), { recursive: true });
  const pack = run('npm', ['pack', '--pack-destination', work, '--silent'], { cwd: ROOT });
  assert.equal(pack.status, 0, `npm pack:\n${pack.stdout}\n${pack.stderr}`);
  const tarball = join(work, readdirSync(work).find((f) => f.endsWith('.tgz'))!);
  assert.equal(run('npm', ['init', '-y'], { cwd: project }).status, 0);
  // The one install script among lockbench's dependencies, reviewed as a team would (DESIGN §13 CI installs strictly).
  const manifest = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as Record<string, unknown>;
  const scripts = { ...(manifest.scripts as Record<string, string>), sim: 'lockbench sim' };
  writeFileSync(join(project, 'package.json'), JSON.stringify({ ...manifest, scripts, allowScripts: { '@serialport/bindings-cpp': true } }, null, 2));
  const install = run('npm', ['install', tarball, '--prefer-offline', '--no-audit', '--no-fund', '--strict-allow-scripts'], { cwd: project, timeoutMs: 240_000 });
  assert.equal(install.status, 0, `npm install:\n${install.stdout}\n${install.stderr}`);
  for (const [file, text] of Object.entries(TEAM_FILES)) writeFileSync(join(project, file), text);
});

after(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

test('the package ships JavaScript, its types and data, and no tests, CI or bench', () => {
  const pkg = join(project, 'node_modules', 'lockbench');
  assert.ok(existsSync(join(pkg, 'dist', 'bin', 'lockbench.js')));
  assert.ok(existsSync(join(pkg, 'dist', 'harness', 'config.d.ts')));
  assert.ok(existsSync(join(pkg, 'dist', 'fixtures', 'fleet.json')));
  assert.ok(existsSync(join(pkg, 'LICENSE')) && existsSync(join(pkg, 'CHANGELOG.md')));
  // Every command of the table ships but the benchmarks (bench/ stays in the repository).
  const help = run('npx', ['lockbench', '--help'], { cwd: project });
  assert.equal(help.status, 0, help.stderr);
  assert.deepEqual(help.stdout.split('\n').filter((l) => l.includes('not available in this build')).map((l) => l.trim().split(' ')[0]), ['bench']);
  const shipped = readdirSync(pkg, { recursive: true, encoding: 'utf8' });
  assert.deepEqual(shipped.filter((f) => /\.(test|check)\.|(^|\/)(\.ci|bench)(\/|$)|\.ts$/.test(f) && !f.endsWith('.d.ts')), []);
});

test('lockbench/world starts a world in the team\'s process; lockbench/reporter is the matrix reporter', T, () => {
  const script = [
    "import { World, loadFixture, DEFAULT_FIXTURE_PATH } from 'lockbench/world';",
    "import MatrixReporter from 'lockbench/reporter';",
    'const world = await World.create(await loadFixture(DEFAULT_FIXTURE_PATH), { time: "frozen" });',
    'const res = await fetch(`${world.urls.control}/world`);',
    'console.log(JSON.stringify({ status: res.status, reporter: typeof MatrixReporter.prototype.onEnd }));',
    'await world.close();',
  ].join('\n');
  const r = run(process.execPath, ['--input-type=module', '-e', script], { cwd: project });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { status: 200, reporter: 'function' });
});

test('npx lockbench conformance: the whole built-in suite green on sim, the team check a row of the matrix', T, () => {
  const r = run('npx', ['lockbench', 'conformance'], { cwd: project, timeoutMs: 280_000, env: { LOCKBENCH_REPORTS: REPO_REPORTS, LOCKBENCH_MATRIX_DIR: REPO_REPORTS } });
  assert.equal(r.status, 0, `${r.stdout.slice(-4000)}\n${r.stderr.slice(-4000)}`);
  const m = readMatrix(REPO_REPORTS);
  // The repository's matrix is a record: columns of other targets' earlier runs stay; this run's are the sim ones.
  assert.deepEqual(m.columns.filter((c) => m.dates[c] === m.generatedAt), SIM_COLUMNS, 'the team\'s projects report into the built-in columns');
  assert.deepEqual(m.rows.map((row) => row.id), [...CHECKS.map((c) => c.id), 'ACME-01', 'ACME-02'], 'lockbench\'s plan, then the team\'s');
  assert.deepEqual(m.unknownIds, []);
  for (const row of m.rows.filter((x) => !x.id.startsWith('LAB-'))) {
    for (const c of SIM_COLUMNS) assert.ok(['pass', 'skip'].includes(row.cells[c]?.status ?? 'none'), `${row.id} on ${c}: ${JSON.stringify(row.cells[c])}`);
  }
  for (const c of SIM_COLUMNS) {
    const acme = m.rows.find((x) => x.id === 'ACME-01')!.cells[c]!;
    assert.equal(acme.status, 'pass', `ACME-01 on ${c}`);
    assert.deepEqual(acme.tests.map((t) => [t.file, t.title]), [['tests/acme.spec.ts', 'acme.spec.ts › our main lock is known to the cloud']]);
  }
  assert.match(readFileSync(join(REPO_REPORTS, 'conformance.html'), 'utf8'), /ACME-01/);
});

test('a failing team check leaves a built-in check\'s evidence: wire log, sequence diagram, seed', T, () => {
  const r = run('npx', ['lockbench', 'conformance', '--grep', '@ACME-02', '--project', `${SIM_COLUMNS[0]} · team`], {
    cwd: project, env: { ACME_SHOW_FAILURE: '1', LOCKBENCH_SEED: '4242' },
  });
  assert.equal(r.status, 1, `a device failing a check exits 1:\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`);
  const row = readMatrix().rows.find((x) => x.id === 'ACME-02');
  assert.ok(row, 'ACME-02 of the team\'s plan is a row of the matrix');
  const cell = row.cells[SIM_COLUMNS[0]!];
  assert.equal(cell?.status, 'fail', `ACME-02 in the built-in column ${SIM_COLUMNS[0]}: ${JSON.stringify(row.cells)}`);
  const sequence = cell!.tests[0]?.sequence;
  assert.ok(sequence && existsSync(join(project, 'reports', sequence)), `sequence diagram ${sequence}`);
  assert.match(readFileSync(join(project, 'reports', sequence), 'utf8'), /lock\/get/);
  assert.equal(readMatrix().runs.at(-1)?.seed, '4242');
  const results = readFileSync(join(project, 'reports', 'results.json'), 'utf8');
  assert.match(results, /"name": "wire\.log"/);
});

// npm forwards the signal to the `sh -c` it started, not to lockbench (bin/lockbench.ts watches for that).
const LAUNCHERS = { 'npx lockbench sim': ['npx', 'lockbench', 'sim'], 'the team\'s script lockbench sim (npm run sim)': ['npm', 'run', '--silent', 'sim', '--'] };
for (const [name, [command, ...args]] of Object.entries(LAUNCHERS)) {
  test(`${name}, then SIGTERM to npm: exit, no process and no port left`, T, async () => {
    const launcher = spawn(command!, [...args, '--time', 'frozen'], { cwd: project, stdio: ['ignore', 'pipe', 'pipe'] });
    const r = await stopBySignal(launcher, 'SIGTERM', 6000);
    assert.deepEqual(r.left, [], 'no process left');
    const urls = JSON.parse(r.ready) as Record<string, string>;
    for (const url of Object.values(urls)) assert.equal(await portOpen(Number(new URL(url).port)), false, `${url} closed`);
  });
}
