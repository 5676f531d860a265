/**
 * CI check of the remote target (DESIGN §9: `remote` controls nothing, only the API): start `npm run sim` as a
 * separate process, run the suite with `--target remote` against it, then check that every control-needing test
 * was skipped with a reason and the rest passed, and that the simulator stops cleanly with exit 0.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Matrix } from '../harness/report/matrix.ts';
import { cli } from './cli.ts';

cli('lockbench conformance:remote', {
  synopsis: 'npm run conformance:remote [-- Playwright test options]',
  about: 'CI check of the remote target: start `npm run sim -- --start now` as a separate process, run the suite with\n--target remote against it (reports/remote), and check that control-needing checks skip with reasons and the rest pass.',
}).helpIfAsked();

const sim = spawn(process.execPath, ['--import', 'tsx', 'bin/sim.ts', '--start', 'now', '--ack-timeout-ms', '500'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const ready = await new Promise<{ api: string }>((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error('npm run sim printed no ready line within 20 s')), 20_000);
  createInterface({ input: sim.stdout! }).once('line', (line) => {
    clearTimeout(timer);
    try {
      resolve(JSON.parse(line));
    } catch {
      reject(new Error(`ready line is not JSON: ${line}`));
    }
  });
  sim.once('exit', (code) => reject(new Error(`npm run sim exited with ${code} before it was ready`)));
});

const run = spawnSync(process.execPath, ['--import', 'tsx', 'bin/conformance.ts', '--target', 'remote', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: {
    ...process.env,
    LOCKBENCH_REPORTS: 'reports/remote',
    LOCKBENCH_API_URL: ready.api,
    LOCKBENCH_APP_ID: 'app_test',
    LOCKBENCH_APP_SECRET: 'a0cc195a3034c6de34c9dfccf765117b',
    LOCKBENCH_LOCK_ID: '1000001',
  },
});

sim.kill('SIGTERM');
const simExit = await new Promise<number | null>((resolve) => sim.once('exit', (code) => resolve(code)));
const problems: string[] = [];
if (run.status !== 0) problems.push(`the remote run exited with ${run.status}`);
if (simExit !== 0) problems.push(`npm run sim exited with ${simExit} on SIGTERM (want 0)`);

const matrix = JSON.parse(readFileSync('reports/conformance.json', 'utf8')) as Matrix;
const column = matrix.columns.find((c) => c.startsWith('remote'));
if (!column) problems.push('the matrix has no remote column');
let passed = 0;
let skipped = 0;
for (const row of matrix.rows) {
  const cell = column ? row.cells[column] : undefined;
  if (!cell || row.id.startsWith('LAB-')) continue;
  if (cell.status === 'pass') passed++;
  else if (cell.status === 'skip') {
    skipped++;
    if (cell.reasons.length === 0 || cell.reasons.some((r) => r === 'skipped')) problems.push(`${row.id} skipped without a reason`);
  } else problems.push(`${row.id} is ${cell.status} on remote`);
}
if (passed === 0) problems.push('no check passed on remote');
console.log(`remote target: ${passed} checks passed, ${skipped} skipped with reasons`);
if (problems.length) {
  console.error(`remote check failed:\n- ${problems.join('\n- ')}`);
  process.exit(1);
}
