import type { Matrix } from './matrix.ts';

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const STYLE = `body{font:14px system-ui,sans-serif;margin:24px;color:#222}table{border-collapse:collapse}
th,td{border:1px solid #ccc;padding:4px 8px;vertical-align:top;text-align:left}th{background:#f4f4f4}
td.pass{background:#e5f5e5}td.fail{background:#fbe0e0;font-weight:bold}td.skip{background:#f6f1dc}td.missing{background:#fbe0e0}
td.id{font-family:monospace;white-space:nowrap}small{color:#555}.sum span{margin-right:16px}`;

/** The conformance matrix as one self-contained HTML page (readable without a server). */
export function matrixHtml(m: Matrix): string {
  const htmlReport = Object.values(m.reports)[0] ?? 'html/index.html';
  const count = (status: string) => m.rows.reduce((n, r) => n + Object.values(r.cells).filter((c) => c.status === status).length, 0);
  const head = m.columns.map((c) => `<th>${esc(c)}${m.dates?.[c] ? `<br><small class="date">${esc(m.dates[c])}</small>` : ''}</th>`).join('');
  const body = m.rows
    .map((r) => {
      const cells = m.columns
        .map((c) => {
          const cell = r.cells[c];
          if (!cell) return '<td></td>';
          const links = cell.tests
            .map((t) => `<a href="${m.reports[c] ?? htmlReport}#?testId=${encodeURIComponent(t.testId)}" title="${esc(`${t.file}:${t.line}`)}">${esc(t.status)}</a>${t.sequence ? ` <a class="sequence" href="${esc(t.sequence)}">sequence</a>` : ''}`)
            .join(' ');
          const why = cell.reasons.length ? `<br><small>${cell.reasons.map(esc).join('<br>')}</small>` : '';
          return `<td class="${cell.status}" data-check="${esc(r.id)}" data-column="${esc(c)}">${cell.status}${why}<br><small>${links}</small></td>`;
        })
        .join('');
      return `<tr data-check="${esc(r.id)}"><td class="id">${esc(r.id)}</td><td>${esc(r.title)}</td>${cells}</tr>`;
    })
    .join('\n');
  const findings = m.findings.length
    ? `<ul>${m.findings.map((f) => `<li><b>${esc(f.checkId)}</b> (${esc(f.column)}): ${esc(f.finding)} <small>— ${esc(f.test)}</small></li>`).join('')}</ul>`
    : '<p>None.</p>';
  return `<!doctype html><html><head><meta charset="utf-8"><title>lockbench conformance matrix</title><style>${STYLE}</style></head><body>
<h1>Conformance matrix</h1>
<p class="sum"><span id="pass">pass: ${count('pass')}</span><span id="fail">fail: ${count('fail')}</span><span id="skip">skip: ${count('skip')}</span><span id="missing">missing: ${count('missing')}</span><small>generated ${esc(m.generatedAt)} · <a href="${htmlReport}">Playwright report</a></small></p>
<table id="matrix"><thead><tr><th>check</th><th>what</th>${head}</tr></thead><tbody>
${body}
</tbody></table>
<h2>Security findings (SEC-02)</h2>
<div id="findings">${findings}</div>
${m.unknownIds.length ? `<p>Tags not in the test plan: ${m.unknownIds.map(esc).join(', ')}</p>` : ''}
</body></html>`;
}
