import { columnSummary, type Cell, type Matrix, type RunInfo } from './matrix.ts';

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const STYLE = `body{font:14px system-ui,sans-serif;margin:24px;color:#222}table{border-collapse:collapse}
th,td{border:1px solid #ccc;padding:4px 8px;vertical-align:top;text-align:left}th{background:#f4f4f4}
td.pass{background:#e5f5e5}td.fail{background:#fbe0e0;font-weight:bold}td.skip{background:#f6f1dc}td.missing{background:#fbe0e0}
td.not-run{background:#eee;color:#555}td.id{font-family:monospace;white-space:nowrap}p.aborted{background:#fbe0e0;padding:6px}small{color:#555}small.earlier{color:#8a5a00}`;

/** What a run was seeded with, in one line (DESIGN §9: a seeded world is said). */
export function seededLine(r: RunInfo): string {
  return [...(r.aborted ? [r.aborted] : []), `seed ${r.seed ?? '—'}`, `defects ${r.defects.length ? r.defects.join(', ') : 'none'}`, ...(r.variant ? [`variant: ${r.variant}`] : [])].join(' · ');
}

function cellHtml(m: Matrix, id: string, column: string, cell: Cell): string {
  // Only this HTML report's runs have their tests in it; an older cell names its test's file instead.
  const inReport = !cell.ranAt || m.htmlRuns.includes(cell.ranAt);
  const links = cell.tests
    .map((t) => {
      const where = esc(`${t.file}:${t.line}`);
      const test = inReport ? `<a href="${esc(m.htmlReport)}#?testId=${encodeURIComponent(t.testId)}" title="${where}">${esc(t.status)}</a>` : `<span title="${where}">${esc(t.status)}</span>`;
      return `${test}${t.sequence ? ` <a class="sequence" href="${esc(t.sequence)}">sequence</a>` : ''}`;
    })
    .join(' ');
  const why = cell.reasons.length ? `<br><small>${cell.reasons.map(esc).join('<br>')}</small>` : '';
  const earlier = cell.ranAt && cell.ranAt !== m.dates[column] && cell.status !== 'not-run'
    ? `<br><small class="earlier">from the run of ${esc(cell.ranAt)} (${esc(m.runs.find((r) => r.at === cell.ranAt)?.scope ?? 'earlier run')})</small>` : '';
  const label = cell.status === 'not-run' ? 'not run' : cell.status;
  return `<td class="${cell.status}" data-check="${esc(id)}" data-column="${esc(column)}" data-ran-at="${esc(cell.ranAt ?? '')}">${label}${why}${earlier}<br><small>${links}</small></td>`;
}

/** The conformance matrix as one self-contained HTML page (readable without a server). */
export function matrixHtml(m: Matrix): string {
  const head = m.columns.map((c) => `<th>${esc(c)}${m.dates[c] ? `<br><small class="date">last run ${esc(m.dates[c])}</small>` : ''}</th>`).join('');
  const body = m.rows
    .map((r) => {
      const cells = m.columns.map((c) => (r.cells[c] ? cellHtml(m, r.id, c, r.cells[c]) : '<td></td>')).join('');
      return `<tr data-check="${esc(r.id)}"><td class="id">${esc(r.id)}</td><td>${esc(r.title)}</td>${cells}</tr>`;
    })
    .join('\n');
  // The summary counts per column only what that column's cells say, and says how much is from earlier runs.
  const summary = columnSummary(m)
    .map((s) => `<tr data-column="${esc(s.column)}"><td>${esc(s.column)}</td>${(['pass', 'fail', 'skip', 'not-run', 'missing'] as const).map((k) => `<td class="${k}">${s.counts[k]}</td>`).join('')}<td>${s.earlier}</td></tr>`)
    .join('');
  const aborted = m.runs.find((r) => m.htmlRuns.includes(r.at))?.aborted;
  const runs = m.runs.map((r) => `<li data-run="${esc(r.at)}">${esc(r.at)} — ${esc(r.scope)} — <span class="seeded">${esc(seededLine(r))}</span></li>`).join('');
  const findings = m.findings.length
    ? `<ul>${m.findings.map((f) => `<li><b>${esc(f.checkId)}</b> (${esc(f.column)}): ${esc(f.finding)} <small>— ${esc(f.test)}</small></li>`).join('')}</ul>`
    : '<p>None.</p>';
  return `<!doctype html><html><head><meta charset="utf-8"><title>lockbench conformance matrix</title><style>${STYLE}</style></head><body>
<h1>Conformance matrix</h1>
${aborted ? `<p id="aborted" class="aborted"><b>${esc(aborted)}</b>: a signal stopped the last run; its cells hold the tests before it.</p>` : ''}
<p><small>generated ${esc(m.generatedAt)} · <a href="${esc(m.htmlReport)}">Playwright report</a> (tests of the run of ${esc(m.htmlRuns.join(', '))})</small></p>
<h2>Runs in this matrix</h2>
<ul id="runs">${runs}</ul>
<table id="summary" class="sum"><thead><tr><th>column</th><th>pass</th><th>fail</th><th>skip</th><th>not run</th><th>missing</th><th>from earlier runs</th></tr></thead><tbody>${summary}</tbody></table>
<h2>Checks</h2>
<table id="matrix"><thead><tr><th>check</th><th>what</th>${head}</tr></thead><tbody>
${body}
</tbody></table>
<h2>Security findings (SEC-02)</h2>
<div id="findings">${findings}</div>
${m.unknownIds.length ? `<p>Tags not in the test plan: ${m.unknownIds.map(esc).join(', ')}</p>` : ''}
</body></html>`;
}
