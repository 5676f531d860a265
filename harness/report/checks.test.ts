import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { CHECKS, parsePlan } from './checks.ts';

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
