import { CHECKS, type Check } from './checks.ts';

export type CellStatus = 'pass' | 'fail' | 'skip' | 'missing' | 'not-run';

/** One test's result as the matrix needs it. */
export interface TestRecord {
  checkIds: string[];
  column: string;
  title: string;
  testId: string;
  file: string;
  line: number;
  status: 'passed' | 'failed' | 'timedOut' | 'skipped' | 'interrupted';
  skipReasons: string[];
  findings: string[];
  /** The failing test's sequence diagram, relative to the matrix (DESIGN §14). */
  sequence?: string;
  /** Why the test was not run although selected (the device could not be settled). */
  notRun?: string;
}

export interface Cell {
  status: CellStatus;
  reasons: string[];
  tests: { title: string; testId: string; file: string; line: number; status: string; sequence?: string }[];
  /** When the run that gave this cell its result began (ISO 8601): a cell kept from an older run keeps its own. */
  ranAt?: string;
}

/** What a run was and what it was seeded with (DESIGN §9: a seeded world is said, never passed off as clean). */
export interface RunInfo {
  /** When the run began (ISO 8601); the `ranAt` of the cells it filled. */
  at: string;
  /** `whole suite`, or what narrowed it (`--grep @PWD-05`, `shard 1/3`). */
  scope: string;
  seed?: string;
  defects: string[];
  /** `LOCKBENCH_VARIANT`: the device variant of a sweep, as one line. */
  variant?: string;
  /** `aborted at test N of M`: a signal stopped the run (DESIGN §14: a killed run keeps its evidence). */
  aborted?: string;
}

export interface Matrix {
  generatedAt: string;
  columns: string[];
  /** When each column was last run (ISO 8601). */
  dates: Record<string, string>;
  /** The Playwright HTML report, relative to the matrix; only cells of `htmlRuns` are in it. */
  htmlReport: string;
  /** The runs (by `at`) whose tests the HTML report holds: cells of older runs link no test there. */
  htmlRuns: string[];
  /** Every run that still holds a cell, oldest first. */
  runs: RunInfo[];
  rows: { id: string; area: string; title: string; cells: Record<string, Cell> }[];
  findings: { checkId: string; column: string; test: string; finding: string }[];
  /** Tests tagged with an ID that is not in the test plan. */
  unknownIds: string[];
}

/** One run as the builder needs it: its records and what it selected. */
export interface RunInput {
  run: RunInfo;
  records: TestRecord[];
  /** Per column (project) this run selected, the check IDs of the tests it selected. */
  selected: Record<string, string[]>;
  /** Nothing narrowed the run: a check with no test in a column is "missing". */
  wholeSuite: boolean;
  htmlReport?: string;
  /** The rows, in order; default lockbench's own plan (`planChecks` adds a team's). */
  checks?: readonly Check[];
}

const isFailure = (s: string): boolean => s === 'failed' || s === 'timedOut' || s === 'interrupted';

/** A cell from its tests: any failure fails it; otherwise a pass passes it; all not run is not-run; else skip. */
export function cellOf(tests: TestRecord[], ranAt?: string): Cell {
  const at = ranAt ? { ranAt } : {};
  const reasons = [...new Set(tests.flatMap((t) => t.skipReasons))];
  const list = tests.map((t) => ({ title: t.title, testId: t.testId, file: t.file, line: t.line, status: t.status, ...(t.sequence ? { sequence: t.sequence } : {}) }));
  if (tests.length === 0) return { status: 'missing', reasons: ['no test covers this check'], tests: [], ...at };
  if (tests.some((t) => isFailure(t.status))) return { status: 'fail', reasons, tests: list, ...at };
  if (tests.some((t) => t.status === 'passed')) return { status: 'pass', reasons: [], tests: list, ...at };
  const notRun = [...new Set(tests.flatMap((t) => (t.notRun ? [t.notRun] : [])))];
  if (notRun.length > 0 && tests.every((t) => t.notRun)) return { status: 'not-run', reasons: notRun.map((r) => `not run (${r})`), tests: list, ...at };
  return { status: 'skip', reasons: reasons.length ? reasons : ['skipped'], tests: list, ...at };
}

/**
 * The matrix is a record, not a snapshot (DESIGN §9 Reports, §13): `input` updates the cells it ran and
 * nothing else. A cell a partial run did not select keeps its previous result with its own date, or reads
 * "not run (<scope>)"; only a whole-suite run can say "no test covers this check". Pure.
 */
export function buildMatrix(input: RunInput, previous?: Matrix): Matrix {
  const { run, records } = input;
  const columns = [...new Set([...Object.keys(input.selected), ...records.map((r) => r.column)])];
  const prevColumns = previous?.columns ?? [];
  const checks = input.checks ?? CHECKS;
  const known = new Set(checks.map((c) => c.id));
  const updated = new Set<string>();
  const rows = checks.map((check) => {
    const old = previous?.rows.find((r) => r.id === check.id)?.cells ?? {};
    const cells: Record<string, Cell> = {};
    for (const c of prevColumns) if (old[c]) cells[c] = { ...old[c], ranAt: old[c].ranAt ?? previous?.dates[c] ?? previous?.generatedAt };
    for (const c of columns) {
      const mine = records.filter((r) => r.column === c && r.checkIds.includes(check.id));
      const selected = input.selected[c]?.includes(check.id) ?? false;
      if (mine.length > 0) cells[c] = cellOf(mine, run.at);
      else if (selected) cells[c] = { status: 'not-run', reasons: [`not run (${run.aborted ?? 'the run stopped before it'})`], tests: [], ranAt: run.at };
      else if (input.wholeSuite) cells[c] = cellOf([], run.at);
      else if (!cells[c]) cells[c] = { status: 'not-run', reasons: [`not run (${run.scope})`], tests: [], ranAt: run.at };
      if (cells[c]!.ranAt === run.at) updated.add(`${c}\u0000${check.id}`);
    }
    return { ...check, cells };
  });
  const findings = [
    ...(previous?.findings ?? []).filter((f) => !f.checkId.split(' ').some((id) => updated.has(`${f.column}\u0000${id}`))),
    ...records.flatMap((r) => r.findings.map((finding) => ({ checkId: r.checkIds.join(' '), column: r.column, test: r.title, finding }))),
  ];
  const allColumns = [...prevColumns, ...columns.filter((c) => !prevColumns.includes(c))];
  const held = new Set(rows.flatMap((r) => Object.values(r.cells).map((c) => c.ranAt)));
  const runs = [...(previous?.runs ?? []).filter((r) => r.at !== run.at), run].filter((r) => held.has(r.at));
  return {
    generatedAt: run.at,
    columns: allColumns,
    dates: { ...previous?.dates, ...Object.fromEntries(columns.map((c) => [c, run.at])) },
    htmlReport: input.htmlReport ?? 'html/index.html',
    htmlRuns: [run.at],
    runs,
    rows,
    findings,
    unknownIds: [...new Set([...(previous?.unknownIds ?? []), ...records.flatMap((r) => r.checkIds).filter((id) => !known.has(id))])],
  };
}

/** Checks (other than LAB-*) of the sim columns among `columns` with no result: they fail a whole-suite run. */
export function missingOnSim(matrix: Matrix, columns: Iterable<string>): string[] {
  const sim = [...columns].filter((c) => c.startsWith('sim'));
  return matrix.rows.filter((r) => !r.id.startsWith('LAB-') && sim.some((c) => r.cells[c]?.status === 'missing' || r.cells[c]?.status === 'not-run')).map((r) => r.id);
}

/** The sequence diagrams the matrix's cells link (relative to the matrix): the only ones worth keeping. */
export function sequencesOf(matrix: Matrix): string[] {
  return [...new Set(matrix.rows.flatMap((r) => Object.values(r.cells).flatMap((c) => c.tests.flatMap((t) => (t.sequence ? [t.sequence] : [])))))];
}

/** Per column, the cells it can vouch for by status, and how many of them come from earlier runs than its last. */
export function columnSummary(m: Matrix): { column: string; counts: Record<CellStatus, number>; earlier: number }[] {
  return m.columns.map((column) => {
    const counts: Record<CellStatus, number> = { pass: 0, fail: 0, skip: 0, 'not-run': 0, missing: 0 };
    let earlier = 0;
    for (const r of m.rows) {
      const cell = r.cells[column];
      if (!cell) continue;
      counts[cell.status]++;
      if (cell.ranAt && cell.ranAt !== m.dates[column] && cell.status !== 'not-run') earlier++;
    }
    return { column, counts, earlier };
  });
}
