/**
 * `npm run defects` (DESIGN §9 "the suite must fail on a broken device"): run the suite against the clean world
 * and against a world seeded with each defect of the catalogue (one Playwright project each, in parallel
 * workers), then write the kill matrix to reports/defects.{json,html}. Exits non-zero if the clean world fails
 * anything or a defect is caught by none of the checks the catalogue expects.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { killMatrix, killMatrixHtml, outcomesOf } from '../harness/defects/kill-matrix.ts';
import { cli, playwrightCli } from './cli.ts';

cli('lockbench defects', {
  synopsis: 'lockbench defects [Playwright test options]',
  about: 'Run the suite against the clean world and against a world seeded with each defect of the catalogue (DESIGN §9),\nthen write the kill matrix to reports/defects.{json,html}. Exits 1 if the clean world fails or a defect survives.',
  more: [
    'LOCKBENCH_DEFECTS_NO_CLEAN=1  take the clean world from the last reports/results.json of npm run conformance; default: run it',
    'LOCKBENCH_WORKERS=N           Playwright workers; default 2',
  ],
}).helpIfAsked();

const t0 = performance.now();
const run = spawnSync(process.execPath, [playwrightCli(), 'test', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, LOCKBENCH_DEFECT_RUN: '1' },
});
const seconds = (performance.now() - t0) / 1000;
let report;
try {
  report = JSON.parse(readFileSync('reports/defects/results.json', 'utf8'));
} catch (e) {
  console.error(`defects: no JSON report from the run (exit ${run.status}): ${(e as Error).message}`);
  process.exit(1);
}
// With LOCKBENCH_DEFECTS_NO_CLEAN=1 the clean world is the conformance run that just wrote reports/results.json.
const noClean = process.env.LOCKBENCH_DEFECTS_NO_CLEAN === '1';
const outcomes = outcomesOf(report);
if (noClean) {
  try {
    const conformance = outcomesOf(JSON.parse(readFileSync('reports/results.json', 'utf8')));
    outcomes.push(...conformance.filter((o) => o.project.endsWith('kexin-2017-03')).map((o) => ({ ...o, project: 'clean' })));
  } catch (e) {
    console.error(`defects: LOCKBENCH_DEFECTS_NO_CLEAN=1 needs reports/results.json from npm run conformance: ${(e as Error).message}`);
    process.exit(1);
  }
}
const m = killMatrix(outcomes);
mkdirSync('reports', { recursive: true });
writeFileSync('reports/defects.json', `${JSON.stringify({ ...m, seconds: Math.round(seconds) }, null, 1)}\n`);
writeFileSync('reports/defects.html', killMatrixHtml(m));
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
