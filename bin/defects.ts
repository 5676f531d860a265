/**
 * `npm run defects` (DESIGN §9 "the suite must fail on a broken device"): run the suite against the clean world
 * and against a world seeded with each defect of the catalogue (one Playwright project each, in parallel
 * workers), then write the kill matrix to reports/defects.{json,html}. Exits non-zero if the clean world fails
 * anything or a defect is caught by none of the checks the catalogue expects.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT, exitCodeOf, readStop } from '../harness/report/run-outcome.ts';
import { killMatrix, killMatrixHtml, outcomesOf } from '../harness/defects/kill-matrix.ts';
import { playwrightCli } from '../harness/report/playwright-cli.ts';
import { cli, playwrightConfigArgs } from './cli.ts';

cli('lockbench defects', {
  synopsis: 'lockbench defects [Playwright test options]',
  about: 'Run the suite against the clean world and against a world seeded with each defect of the catalogue (docs/architecture.md §9),\nthen write the kill matrix to reports/defects.{json,html}. Exits 1 if the clean world fails or a defect survives;\n2 (usage) or 3 (bench not ready) when no test ran — then no kill matrix is written.',
  more: [
    'LOCKBENCH_DEFECTS_NO_CLEAN=1  take the clean world from the last reports/results.json of npm run conformance; default: run it',
    'LOCKBENCH_WORKERS=N           Playwright workers; default 2',
  ],
}).helpIfAsked();

// DESIGN §9: the kill matrix reports only what this run ran. Its JSON goes to a fresh run directory (no stale
// results can stand in for it); a run that produced none is an error by its cause, whatever
// LOCKBENCH_DEFECTS_NO_CLEAN says.
const reports = process.env.LOCKBENCH_REPORTS ?? 'reports';
rmSync(join(reports, 'defects', 'results.json'), { force: true });
const staging = mkdtempSync(join(tmpdir(), 'lockbench-defects-'));
const fresh = join(staging, 'results.json');
const t0 = performance.now();
const run = spawnSync(process.execPath, [playwrightCli(), 'test', ...playwrightConfigArgs(process.argv.slice(2)), ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, LOCKBENCH_DEFECT_RUN: '1', LOCKBENCH_RUN_DIR: staging, LOCKBENCH_DEFECT_RESULTS: fresh },
});
const seconds = (performance.now() - t0) / 1000;
const stop = readStop(staging);
let report: Parameters<typeof outcomesOf>[0] | undefined;
try {
  report = JSON.parse(readFileSync(fresh, 'utf8')) as Parameters<typeof outcomesOf>[0];
} catch {
  report = undefined;
}
const began = report ? outcomesOf(report).length : 0;
if (stop || !report || began === 0) {
  rmSync(staging, { recursive: true, force: true });
  const code = exitCodeOf(run.status, stop, { testsBegun: began, status: 'failed' });
  console.error(`defects: no test ran (Playwright exited ${run.status}${stop ? `; ${stop.message}` : ''}): no kill matrix written (exit ${code === EXIT.pass ? EXIT.usage : code})`);
  process.exit(code === EXIT.pass ? EXIT.usage : code);
}
mkdirSync(join(reports, 'defects'), { recursive: true });
cpSync(fresh, join(reports, 'defects', 'results.json'));
rmSync(staging, { recursive: true, force: true });
// With LOCKBENCH_DEFECTS_NO_CLEAN=1 the clean world is the conformance run that just wrote reports/results.json.
const noClean = process.env.LOCKBENCH_DEFECTS_NO_CLEAN === '1';
const outcomes = outcomesOf(report);
if (noClean) {
  try {
    const conformance = outcomesOf(JSON.parse(readFileSync(join(reports, 'results.json'), 'utf8')));
    outcomes.push(...conformance.filter((o) => o.project.endsWith('kexin-2017-03')).map((o) => ({ ...o, project: 'clean' })));
  } catch (e) {
    console.error(`defects: LOCKBENCH_DEFECTS_NO_CLEAN=1 needs ${reports}/results.json from npm run conformance: ${(e as Error).message}`);
    process.exit(EXIT.usage);
  }
}
const m = killMatrix(outcomes);
writeFileSync(join(reports, 'defects.json'), `${JSON.stringify({ ...m, seconds: Math.round(seconds) }, null, 1)}\n`);
writeFileSync(join(reports, 'defects.html'), killMatrixHtml(m));
for (const r of m.rows) console.log(`${r.killed ? 'killed  ' : 'SURVIVED'} ${r.defect.padEnd(36)} failed: ${r.failed.join(' ') || '—'}`);
console.log(`kill rate ${m.rows.filter((r) => r.killed).length}/${m.rows.length}; clean world ${m.clean.tests} tests, ${m.clean.failed.length} failed; ${seconds.toFixed(0)} s`);
const problems = [
  ...m.clean.failed.map((t) => `clean world failed: ${t}`),
  ...m.rows.filter((r) => !r.killed).map((r) => `${r.defect} survived (expected ${r.caughtBy.join('/')})`),
];
if (m.clean.tests === 0) problems.push('the clean world ran no test');
if (problems.length) {
  console.error(`defects:\n- ${problems.join('\n- ')}`);
  process.exit(1);
}
