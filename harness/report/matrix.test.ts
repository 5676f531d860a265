import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildMatrix, columnSummary, missingOnSim, sequencesOf, type Matrix, type RunInfo, type TestRecord } from './matrix.ts';
import { matrixHtml } from './matrix-html.ts';
import { CHECKS } from './checks.ts';
import { seedingOf } from './matrix-reporter.ts';

// DESIGN §9 Reports: the matrix is a record, not a snapshot — a run updates the cells it ran and nothing else.

const A = 'sim · kexin-2017-03';
const B = 'sim · kexin-2017-10';
const rec = (column: string, id: string, status: TestRecord['status'], extra: Partial<TestRecord> = {}): TestRecord => ({
  checkIds: [id], column, title: `t ${id}`, testId: `${column}-${id}`, file: 'x.spec.ts', line: 1, status, skipReasons: [], findings: [], ...extra,
});
const run = (at: string, scope: string, more: Partial<RunInfo> = {}): RunInfo => ({ at, scope, defects: [], ...more });
const ALL = CHECKS.map((c) => c.id);
const LABS = ALL.filter((id) => id.startsWith('LAB-')).length;
const cell = (m: Matrix, id: string, column: string) => m.rows.find((r) => r.id === id)!.cells[column];

/** A full run of both columns: every check passes on both. */
function fullRun(): Matrix {
  const ids = ALL.filter((id) => !id.startsWith('LAB-'));
  const records = [A, B].flatMap((c) => ids.map((id) => rec(c, id, 'passed')));
  return buildMatrix({ run: run('2030-01-01T00:00:00.000Z', 'whole suite'), records, selected: { [A]: ids, [B]: ids }, wholeSuite: true });
}

test('a --grep run updates only its cells: the others keep their result and date, none reads "no test covers this check"', () => {
  const full = fullRun();
  const at = '2030-01-02T00:00:00.000Z';
  const m = buildMatrix({ run: run(at, '--grep @PWD-05'), records: [rec(A, 'PWD-05', 'failed'), rec(B, 'PWD-05', 'passed')], selected: { [A]: ['PWD-05'], [B]: ['PWD-05'] }, wholeSuite: false }, full);
  assert.equal(cell(m, 'PWD-05', A)!.status, 'fail');
  assert.equal(cell(m, 'PWD-05', A)!.ranAt, at);
  assert.deepEqual(cell(m, 'SIGN-01', A), cell(full, 'SIGN-01', A), 'an unselected cell is the full run\'s, with its date');
  assert.equal(cell(m, 'SIGN-01', A)!.ranAt, '2030-01-01T00:00:00.000Z');
  const missing = (x: Matrix, c: string) => x.rows.filter((r) => r.cells[c]?.status === 'missing').map((r) => r.id);
  for (const c of [A, B]) assert.deepEqual(missing(m, c), missing(full, c), 'only what the full run found missing (LAB-*) is missing');
  assert.deepEqual(missingOnSim(m, [A, B]), [], 'a partial run makes no check missing');
  assert.deepEqual(m.runs.map((r) => r.scope), ['whole suite', '--grep @PWD-05'], 'both runs still hold cells');
  const html = matrixHtml(m);
  assert.match(html, /from the run of 2030-01-01T00:00:00\.000Z \(whole suite\)/, 'kept cells are shown as from their run');
});

test('--project of one profile keeps the other profile\'s column whole', () => {
  const full = fullRun();
  const m = buildMatrix({ run: run('2030-01-03T00:00:00.000Z', '--grep @TSYNC'), records: [rec(B, 'TSYNC-01', 'passed')], selected: { [B]: ['TSYNC-01'] }, wholeSuite: false }, full);
  assert.deepEqual(m.columns, [A, B]);
  assert.deepEqual(m.rows.map((r) => r.cells[A]), full.rows.map((r) => r.cells[A]));
  assert.equal(m.dates[A], full.dates[A]);
});

test('a cell a partial run did not select, with no earlier result, reads "not run (<scope>)", counted as not run', () => {
  const m = buildMatrix({ run: run('2030-01-02T00:00:00.000Z', '--grep @PWD-05'), records: [rec(A, 'PWD-05', 'passed')], selected: { [A]: ['PWD-05'] }, wholeSuite: false });
  assert.deepEqual({ ...cell(m, 'SIGN-01', A), ranAt: undefined }, { status: 'not-run', reasons: ['not run (--grep @PWD-05)'], tests: [], ranAt: undefined });
  const [sum] = columnSummary(m);
  assert.deepEqual(sum!.counts, { pass: 1, fail: 0, skip: 0, 'not-run': CHECKS.length - 1, missing: 0 });
});

test('only a whole-suite run says a check has no test; the summary counts per column and says what is older', () => {
  const m = buildMatrix({ run: run('2030-01-02T00:00:00.000Z', 'whole suite'), records: [rec(A, 'PWD-05', 'passed')], selected: { [A]: ['PWD-05'] }, wholeSuite: true }, fullRun());
  assert.equal(cell(m, 'SIGN-01', A)!.status, 'missing');
  const sums = columnSummary(m);
  assert.deepEqual(sums.map((s) => [s.column, s.counts.pass, s.counts.missing, s.earlier]), [[A, 1, CHECKS.length - 1, 0], [B, CHECKS.length - LABS, LABS, 0]]);
});

test('a device that could not be settled: its selected checks read "not run (device could not be settled)", not skip', () => {
  const records = [rec(A, 'PWD-05', 'failed'), rec(A, 'PWD-06', 'skipped', { notRun: 'device could not be settled' })];
  const m = buildMatrix({ run: run('2030-01-02T00:00:00.000Z', 'whole suite'), records, selected: { [A]: ['PWD-05', 'PWD-06', 'PWD-07'] }, wholeSuite: true });
  assert.equal(cell(m, 'PWD-06', A)!.status, 'not-run');
  assert.deepEqual(cell(m, 'PWD-06', A)!.reasons, ['not run (device could not be settled)']);
  assert.equal(cell(m, 'PWD-07', A)!.status, 'not-run', 'selected but never reported: not run, not missing');
});

test('older cells link no test in the current HTML report; the sequence diagrams kept are exactly those linked', () => {
  const full = buildMatrix({ run: run('2030-01-01T00:00:00.000Z', 'whole suite'), records: [rec(A, 'GW-02', 'failed', { sequence: 'sequences/old.html' }), rec(A, 'PWD-05', 'failed', { sequence: 'sequences/gone.html' })], selected: { [A]: ['GW-02', 'PWD-05'] }, wholeSuite: true });
  const m = buildMatrix({ run: run('2030-01-02T00:00:00.000Z', '--grep @PWD-05'), records: [rec(A, 'PWD-05', 'passed')], selected: { [A]: ['PWD-05'] }, wholeSuite: false }, full);
  assert.deepEqual(sequencesOf(m), ['sequences/old.html'], 'the diagram of the replaced PWD-05 result goes with it');
  const html = matrixHtml(m);
  const gw = /<tr data-check="GW-02">.*?<\/tr>/s.exec(html)![0];
  assert.doesNotMatch(gw, /testId=/, 'the old GW-02 test is not in this HTML report');
  assert.match(gw, /href="sequences\/old\.html"/);
  assert.match(/<tr data-check="PWD-05">.*?<\/tr>/s.exec(html)![0], /testId=/);
});

test('the matrix header says what each run was seeded with (defects, seed, variant)', () => {
  const seeding = seedingOf({ seed: '4242', defects: 'cloud-360-for-362', variant: 'variant 17: cache=seq+payload latency=140ms±60' });
  assert.deepEqual(seeding, { seed: '4242', defects: ['cloud-360-for-362'], variant: 'variant 17: cache=seq+payload latency=140ms±60' });
  assert.deepEqual(seedingOf({ seed: '1', defects: 'none' }), { seed: '1', defects: [] });
  const m = buildMatrix({ run: run('2030-01-02T00:00:00.000Z', 'whole suite', seeding), records: [rec(A, 'GW-02', 'failed')], selected: { [A]: ['GW-02'] }, wholeSuite: true });
  assert.match(matrixHtml(m), /seed 4242 · defects cloud-360-for-362 · variant: variant 17: cache=seq\+payload latency=140ms±60/);
});

test('a team\'s checks are rows after the plan\'s; without them its IDs are only "not in the test plan"', () => {
  const team = { id: 'ACME-01', area: 'ACME', title: 'Ours.' };
  const input = { run: run('2030-01-03T00:00:00.000Z', '--grep @ACME-01'), records: [rec(A, 'ACME-01', 'passed')], selected: { [A]: ['ACME-01'] }, wholeSuite: false };
  const m = buildMatrix({ ...input, checks: [...CHECKS, team] });
  assert.deepEqual(m.rows.map((r) => r.id), [...ALL, 'ACME-01']);
  assert.equal(cell(m, 'ACME-01', A)!.status, 'pass');
  assert.deepEqual(m.unknownIds, []);
  assert.deepEqual(buildMatrix({ ...input, checks: [team] }).rows.map((r) => r.id), ['ACME-01'], 'builtIn: false');
  assert.deepEqual(buildMatrix(input).unknownIds, ['ACME-01']);
});

test('an aborted run: the checks it reached keep their result, the rest read "not run (aborted at test N of M)", the page says so', () => {
  const full = fullRun();
  const aborted = 'aborted at test 3 of 40';
  const m = buildMatrix({ run: run('2030-01-03T00:00:00.000Z', 'whole suite', { aborted }), records: [rec(A, 'PWD-05', 'passed'), rec(A, 'PWD-06', 'failed')], selected: { [A]: ['PWD-05', 'PWD-06', 'PWD-07'] }, wholeSuite: false }, full);
  assert.equal(cell(m, 'PWD-05', A)!.status, 'pass');
  assert.equal(cell(m, 'PWD-06', A)!.status, 'fail');
  assert.deepEqual([cell(m, 'PWD-07', A)!.status, cell(m, 'PWD-07', A)!.reasons], ['not-run', [`not run (${aborted})`]]);
  assert.equal(cell(m, 'PWD-07', B)!.status, 'pass', 'a column the run did not reach keeps its result');
  assert.match(matrixHtml(m), /<p id="aborted" class="aborted"><b>aborted at test 3 of 40<\/b>/);
  assert.doesNotMatch(matrixHtml(full), /id="aborted"/, 'a run that ended has no such mark');
});
