import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CHECKS, parsePlan, planChecks } from './checks.ts';

// The matrix rows come from the plan (TEST-PLAN.md), so they cannot drift from it.

test('the plan parses into unique check IDs with their sections and titles', () => {
  const ids = CHECKS.map((c) => c.id);
  assert.equal(new Set(ids).size, ids.length, 'check IDs are unique');
  assert.ok(ids.length >= 60, `${ids.length} checks`);
  assert.deepEqual(CHECKS.find((c) => c.id === 'TSYNC-02'), {
    id: 'TSYNC-02', area: 'DRIFT / TSYNC',
    title: 'Keys delivered to the lock set its clock to the issue time; an older seq after a newer one → `replay`; a forged key2 → refused.',
  });
  for (const id of ['SIGN-01', 'V2-05', 'GWP-06', 'LAB-05']) assert.ok(ids.includes(id), id);
});

test('only check lines count: prose, headings and other bullets are not checks', () => {
  const plan = '# Plan\nIntro - SIGN-09 not a check\n## X — area\n- X-01 First.\n- a bullet\n  - X-02 nested is not a check\n- X-03 Third.\n';
  assert.deepEqual(parsePlan(plan), [{ id: 'X-01', area: 'X', title: 'First.' }, { id: 'X-03', area: 'X', title: 'Third.' }]);
});

test('the repository copy of the plan is the shared plan, when the shared plan is beside the clone', (t) => {
  const shared = new URL('../../../shared/TEST-PLAN.md', import.meta.url);
  if (!existsSync(shared)) return t.skip('no ../shared/TEST-PLAN.md beside this clone');
  assert.equal(readFileSync(new URL('../../docs/TEST-PLAN.md', import.meta.url), 'utf8'), readFileSync(shared, 'utf8'), 'docs/TEST-PLAN.md differs from ../shared/TEST-PLAN.md: copy it again');
});

/** `files` written to a temp folder, `f` given their paths, the folder removed after. */
function withPlans(files: Record<string, string>, f: (path: (name: string) => string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'lockbench-plan-'));
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    f((name) => join(dir, name));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a team plan adds its rows after the built-in ones, or stands alone with builtIn false', () => {
  withPlans({ 'team.md': '## ACME — ours\n- ACME-01 Opens.\n- ACME-02 Closes.\n' }, (path) => {
    const ids = planChecks({ planFiles: [path('team.md')] }).map((c) => c.id);
    assert.deepEqual(ids, [...CHECKS.map((c) => c.id), 'ACME-01', 'ACME-02']);
    assert.deepEqual(planChecks({ builtIn: false, planFiles: [path('team.md')] }), [
      { id: 'ACME-01', area: 'ACME', title: 'Opens.' }, { id: 'ACME-02', area: 'ACME', title: 'Closes.' },
    ]);
    assert.deepEqual(planChecks().map((c) => c.id), CHECKS.map((c) => c.id));
  });
});

test('a team plan with no check, or with an ID a plan before it has, is refused naming the file and line', () => {
  withPlans({ 'empty.md': '# Notes\n- not a check\n', 'dup.md': '## SIGN\n- ACME-01 Ours.\n- SIGN-01 Again.\n' }, (path) => {
    assert.throws(() => planChecks({ planFiles: [path('empty.md')] }), (e: Error) => e.message.startsWith(`${path('empty.md')}: no check line`));
    assert.throws(() => planChecks({ planFiles: [path('dup.md')] }), (e: Error) => e.message === `${path('dup.md')}:3: check ID SIGN-01 is already in lockbench's docs/TEST-PLAN.md`);
    assert.throws(() => planChecks({ builtIn: false, planFiles: [path('dup.md'), path('dup.md')] }), /dup\.md:2: check ID ACME-01 is already in .*dup\.md/);
  });
});
