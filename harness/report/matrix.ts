import { CHECKS } from './checks.ts';

export type CellStatus = 'pass' | 'fail' | 'skip' | 'missing';

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
}

export interface Cell {
  status: CellStatus;
  reasons: string[];
  tests: { title: string; testId: string; file: string; line: number; status: string; sequence?: string }[];
}

export interface Matrix {
  generatedAt: string;
  columns: string[];
  /** When each column's tests ran (ISO 8601): a column kept from an older run shows its own date. */
  dates: Record<string, string>;
  /** Per column, the Playwright HTML report its cells link to (relative to the matrix). */
  reports: Record<string, string>;
  rows: { id: string; area: string; title: string; cells: Record<string, Cell> }[];
  findings: { checkId: string; column: string; test: string; finding: string }[];
  /** Tests tagged with an ID that is not in the test plan. */
  unknownIds: string[];
}

/** A cell from its tests: any failure fails it; otherwise a pass passes it; all skipped is skip. */
export function cellOf(tests: TestRecord[]): Cell {
  const reasons = [...new Set(tests.flatMap((t) => t.skipReasons))];
  const list = tests.map((t) => ({ title: t.title, testId: t.testId, file: t.file, line: t.line, status: t.status, ...(t.sequence ? { sequence: t.sequence } : {}) }));
  if (tests.length === 0) return { status: 'missing', reasons: ['no test covers this check'], tests: [] };
  if (tests.some((t) => t.status === 'failed' || t.status === 'timedOut' || t.status === 'interrupted')) return { status: 'fail', reasons, tests: list };
  if (tests.some((t) => t.status === 'passed')) return { status: 'pass', reasons: [], tests: list };
  return { status: 'skip', reasons: reasons.length ? reasons : ['skipped'], tests: list };
}

/**
 * Build the matrix of this run's columns, keeping other columns of a previous matrix (other targets).
 * `columnDates` dates this run's columns (default `now`); `report:merge` passes no previous matrix,
 * so only the merged runs' columns appear (DESIGN §13).
 */
export function buildMatrix(
  records: TestRecord[], previous: Matrix | undefined, now: string, htmlReport = 'html/index.html', columnDates: Record<string, string> = {},
): Matrix {
  const columns = [...new Set(records.map((r) => r.column))];
  const keptColumns = (previous?.columns ?? []).filter((c) => !columns.includes(c));
  const known = new Set(CHECKS.map((c) => c.id));
  const rows = CHECKS.map((check) => {
    const cells: Record<string, Cell> = {};
    for (const c of keptColumns) {
      const old = previous?.rows.find((r) => r.id === check.id)?.cells[c];
      if (old) cells[c] = old;
    }
    for (const c of columns) cells[c] = cellOf(records.filter((r) => r.column === c && r.checkIds.includes(check.id)));
    return { ...check, cells };
  });
  const findings = [
    ...(previous?.findings ?? []).filter((f) => keptColumns.includes(f.column)),
    ...records.flatMap((r) => r.findings.map((finding) => ({ checkId: r.checkIds.join(' '), column: r.column, test: r.title, finding }))),
  ];
  return {
    generatedAt: now,
    columns: [...keptColumns, ...columns],
    dates: {
      ...Object.fromEntries(keptColumns.map((c) => [c, previous?.dates?.[c] ?? previous?.generatedAt ?? now])),
      ...Object.fromEntries(columns.map((c) => [c, columnDates[c] ?? now])),
    },
    reports: {
      ...Object.fromEntries(keptColumns.map((c) => [c, previous?.reports?.[c] ?? 'html/index.html'])),
      ...Object.fromEntries(columns.map((c) => [c, htmlReport])),
    },
    rows,
    findings,
    unknownIds: [...new Set(records.flatMap((r) => r.checkIds).filter((id) => !known.has(id)))],
  };
}

/** Checks (other than LAB-*) without any test in one of `columns` that are sim columns: they fail a whole-suite run. */
export function missingOnSim(matrix: Matrix, columns: Iterable<string>): string[] {
  const sim = [...columns].filter((c) => c.startsWith('sim'));
  return matrix.rows.filter((r) => !r.id.startsWith('LAB-') && sim.some((c) => r.cells[c]?.status === 'missing')).map((r) => r.id);
}
