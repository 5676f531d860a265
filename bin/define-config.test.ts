/** `defineConfig()` of `lockbench/config` (harness/config.ts): the projects and reporters a team's three-line config gets. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig, packagePath } from '../harness/config.ts';

const COLUMNS = ['sim · kexin-2017-03', 'sim · kexin-2017-10'];
const ROOT = process.cwd();

/** `f` run with a fresh working directory holding `files` (a team's repository), then back to the repository. */
function inTeamRepo(files: Record<string, string>, f: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'lockbench-team-'));
  try {
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(join(dir, name, '..'), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    process.chdir(dir);
    f(dir);
  } finally {
    process.chdir(ROOT);
    rmSync(dir, { recursive: true, force: true });
  }
}

const projectsOf = (c: ReturnType<typeof defineConfig>) => (c.projects ?? []).map((p) => ({ name: p.name, testDir: p.testDir, column: (p.metadata as { column?: string }).column }));
/** The matrix reporter's options of a config. */
const matrixOptionsOf = (c: ReturnType<typeof defineConfig>) => (c.reporter as [string, Record<string, unknown>][]).find(([r]) => r.includes('matrix-reporter'))![1];

test('without a team folder: the built-in suite, one project per sim profile, specs from the package', () => {
  inTeamRepo({}, () => {
    const c = defineConfig();
    assert.deepEqual(projectsOf(c), COLUMNS.map((name) => ({ name, testDir: packagePath('specs'), column: name })));
    assert.equal(matrixOptionsOf(c).planFiles, undefined);
    assert.equal(c.globalSetup, packagePath('harness/fixtures/run-gate.ts'));
  });
});

test('a team\'s tests/ and lockbench.plan.md: its projects report into the built-in columns; its plan goes to the matrix', () => {
  inTeamRepo({ 'tests/a.spec.ts': '', 'lockbench.plan.md': '## ACME\n- ACME-01 Ours.\n' }, (dir) => {
    const c = defineConfig();
    assert.deepEqual(projectsOf(c), COLUMNS.flatMap((name) => [
      { name, testDir: packagePath('specs'), column: name },
      { name: `${name} · team`, testDir: join(dir, 'tests'), column: name },
    ]));
    assert.deepEqual(matrixOptionsOf(c).planFiles, [join(dir, 'lockbench.plan.md')]);
    assert.deepEqual(projectsOf(defineConfig({ builtIn: false })), COLUMNS.map((name) => ({ name, testDir: join(dir, 'tests'), column: name })));
    assert.equal(matrixOptionsOf(defineConfig({ builtIn: false })).builtInPlan, false);
  });
});

test('bad options are named: unknown or mistyped, a plan that does not exist or has a taken ID, nothing to run', () => {
  inTeamRepo({ 'bad.md': '## X\n- SIGN-01 Taken.\n' }, () => {
    assert.throws(() => defineConfig({ testdir: 'x' } as never), /unknown option "testdir" \(known: testDir, plan, builtIn\)/);
    assert.throws(() => defineConfig({ builtIn: 'no' } as never), /option "builtIn" must be a boolean, got "no"/);
    assert.throws(() => defineConfig({ plan: 'acme.plan.md' }), /plan "acme\.plan\.md" does not exist/);
    assert.throws(() => defineConfig({ testDir: 'specs' }), /testDir "specs" does not exist/);
    assert.throws(() => defineConfig({ plan: 'bad.md' }), /bad\.md:2: check ID SIGN-01 is already in lockbench's docs\/TEST-PLAN\.md/);
    assert.throws(() => defineConfig({ builtIn: false }), /builtIn is false and the team's testDir .* does not exist: nothing to run/);
  });
});
