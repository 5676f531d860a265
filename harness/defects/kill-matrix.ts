import { SIM_CATALOGUE } from './catalogue.ts';

/** One test outcome from Playwright's JSON report. */
export interface TestOutcome {
  project: string;
  checkIds: string[];
  title: string;
  status: string;
}

export interface KillRow {
  defect: string;
  what: string;
  caughtBy: string[];
  /** Check IDs with at least one failing test in this defect's world. */
  failed: string[];
  killed: boolean;
  tests: number;
}

export interface KillMatrix {
  clean: { tests: number; failed: string[] };
  rows: KillRow[];
  killRate: number;
}

interface JsonSuite {
  title: string;
  specs?: { title: string; tags?: string[]; tests: { projectName: string; status: string; results: { status: string }[] }[] }[];
  suites?: JsonSuite[];
}

/** Flatten Playwright's JSON report into test outcomes. */
export function outcomesOf(report: { suites: JsonSuite[] }): TestOutcome[] {
  const out: TestOutcome[] = [];
  const walk = (s: JsonSuite, path: string[]): void => {
    for (const spec of s.specs ?? []) {
      const checkIds = (spec.tags ?? []).map((t) => t.replace(/^@/, '')).filter((t) => /^[A-Z][A-Z0-9]*-\d\d$/.test(t));
      for (const t of spec.tests) {
        const last = t.results[t.results.length - 1];
        out.push({ project: t.projectName, checkIds, title: [...path, spec.title].join(' › '), status: last?.status ?? 'skipped' });
      }
    }
    for (const child of s.suites ?? []) walk(child, [...path, child.title]);
  };
  for (const s of report.suites) walk(s, [s.title]);
  return out;
}

const failed = (o: TestOutcome) => o.status === 'failed' || o.status === 'timedOut' || o.status === 'interrupted';

/** Which checks each defect's world failed, and whether an expected one did. */
export function killMatrix(outcomes: TestOutcome[]): KillMatrix {
  const clean = outcomes.filter((o) => o.project === 'clean');
  const rows = SIM_CATALOGUE.map((d) => {
    const mine = outcomes.filter((o) => o.project === `defect:${d.name}`);
    const failedIds = [...new Set(mine.filter(failed).flatMap((o) => o.checkIds))].sort();
    return { defect: d.name, what: d.what, caughtBy: d.caughtBy, failed: failedIds, killed: d.caughtBy.some((id) => failedIds.includes(id)), tests: mine.length };
  });
  return {
    clean: { tests: clean.length, failed: clean.filter(failed).map((o) => o.title) },
    rows,
    killRate: rows.length ? rows.filter((r) => r.killed).length / rows.length : 0,
  };
}

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The kill matrix as a self-contained page. */
export function killMatrixHtml(m: KillMatrix): string {
  const rows = m.rows
    .map((r) => `<tr class="${r.killed ? 'killed' : 'survived'}"><td><code>${esc(r.defect)}</code></td><td>${esc(r.what)}</td><td>${r.caughtBy.map(esc).join(' ')}</td><td>${r.failed.map((id) => (r.caughtBy.includes(id) ? `<b>${esc(id)}</b>` : esc(id))).join(' ') || '—'}</td><td>${r.killed ? 'killed' : 'SURVIVED'}</td><td>${r.tests}</td></tr>`)
    .join('\n');
  return `<!doctype html><html><head><meta charset="utf-8"><title>lockbench kill matrix</title><style>
body{font:14px system-ui,sans-serif;margin:24px}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}
tr.killed td:nth-child(5){background:#e5f5e5}tr.survived td{background:#fbe0e0;font-weight:bold}</style></head><body>
<h1>Seeded defects — kill matrix</h1>
<p>Kill rate ${(m.killRate * 100).toFixed(0)}% (${m.rows.filter((r) => r.killed).length}/${m.rows.length}); clean world: ${m.clean.tests} tests, ${m.clean.failed.length} failed.</p>
<table id="kills"><thead><tr><th>defect</th><th>what</th><th>expected to be caught by</th><th>checks that failed</th><th>verdict</th><th>tests run</th></tr></thead><tbody>
${rows}
</tbody></table></body></html>`;
}
