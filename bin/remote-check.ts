/**
 * CI check of the remote target (DESIGN §9: `remote` controls nothing, only the API): start `npm run sim` as a
 * separate process, run the suite with `--target remote` against it, then check that every control-needing test
 * was skipped with a reason and the rest passed, and that the simulator stops cleanly with exit 0.
 *
 * The same run is recorded into a cassette (docs/cli.md §8 "Record and replay"), which is then
 * proved offline: replayed with no simulator it must give every test the same verdict, and one test recorded
 * again from a simulator with a cloud defect on must make `lockbench cassette diff` name the changed answer.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Matrix } from '../harness/report/matrix.ts';
import { readCassette } from '../harness/targets/replay/session.ts';
import { cli } from './cli.ts';
import { verdictChanges, verdictsOf } from './replay-verdicts.ts';

cli('lockbench conformance:remote', {
  synopsis: 'npm run conformance:remote [-- Playwright test options]',
  about: 'CI check of the remote target: start `npm run sim -- --start now` as a separate process, run the suite with\n--target remote against it (reports/remote), and check that control-needing checks skip with reasons and the rest pass.\nThe run is recorded (reports/remote/cassette.json) and replayed offline with --target replay: the same verdict for\nevery test; then ENV-04\'s unknown-lock test is recorded again with the cloud defect cloud-unknown-lock-200 on, and\n`lockbench cassette diff` must name the changed answer (docs/cli.md §8).',
}).helpIfAsked();

const REPORTS = 'reports/remote';
const CASSETTE = `${REPORTS}/cassette.json`;
const APP = { LOCKBENCH_APP_ID: 'app_test', LOCKBENCH_APP_SECRET: 'a0cc195a3034c6de34c9dfccf765117b', LOCKBENCH_LOCK_ID: '1000001' };
/** The cloud defect the diff must see, and the one test recorded again to see it (TEST-PLAN ENV-04). */
const DEFECT = { name: 'cloud-unknown-lock-200', grep: 'an unknown lock → 350 on every lock endpoint', changed: /^ {4}answer\.code: 350 → 200$/m };
const tsx = (file: string, ...args: string[]) => [process.execPath, ['--import', 'tsx', file, ...args]] as const;

/** `npm run sim` as a separate process: its API URL once ready, and a stop that gives its exit code. */
async function startSim(...args: string[]): Promise<{ api: string; stop: () => Promise<number | null> }> {
  const sim = spawn(...tsx('bin/sim.ts', '--start', 'now', '--ack-timeout-ms', '500', ...args), { stdio: ['ignore', 'pipe', 'inherit'] });
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
  return {
    api: ready.api,
    stop: () => {
      sim.kill('SIGTERM');
      return new Promise((resolve) => sim.once('exit', (code) => resolve(code)));
    },
  };
}

/** Real seconds since `t0`, for the CI log: what each phase of the check costs (the budget of `npm test`). */
const tookS = (t0: number): string => `${((performance.now() - t0) / 1000).toFixed(1)} s`;
let t0 = performance.now();
const sim = await startSim();
const run = spawnSync(...tsx('bin/record.ts', '--out', CASSETTE, ...process.argv.slice(2)), {
  stdio: 'inherit',
  env: { ...process.env, ...APP, LOCKBENCH_REPORTS: REPORTS, LOCKBENCH_API_URL: sim.api },
});

const simExit = await sim.stop();
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
console.log(`remote target: ${passed} checks passed, ${skipped} skipped with reasons (recorded run: ${tookS(t0)})`);
// The defective world starts while the replay runs: it is ready by the time the replay ends.
t0 = performance.now();
const brokenDir = mkdtempSync(join(tmpdir(), 'lockbench-defect-'));
const broken = startBroken(brokenDir);
// Awaited after the replay; a world that fails to start is reported there, not as an unhandled rejection now.
broken.catch(() => undefined);
problems.push(...replayProblems());
console.log(`replay: ${tookS(t0)}`);
t0 = performance.now();
problems.push(...await defectProblems(brokenDir, broken));
console.log(`defect recording and diff: ${tookS(t0)}`);
if (problems.length) {
  console.error(`remote check failed:\n- ${problems.join('\n- ')}`);
  process.exit(1);
}

/**
 * Replay the cassette offline: no API URL, and a client that never sends (its exchange hook answers). Every test
 * must get the verdict it got on remote.
 */
function replayProblems(): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'lockbench-replay-'));
  try {
    // Its own reports and matrix: the replay proves the cassette, it is not a column of the conformance matrix.
    const replay = spawnSync(...tsx('bin/conformance.ts', '--target', 'replay', '--cassette', CASSETTE, ...process.argv.slice(2)), {
      stdio: 'inherit',
      env: { ...process.env, LOCKBENCH_API_URL: '', LOCKBENCH_REPORTS: dir, LOCKBENCH_MATRIX_DIR: dir },
    });
    const changes = verdictChanges(verdictsOf(`${REPORTS}/results.json`), verdictsOf(join(dir, 'results.json')));
    console.log(`replay of ${CASSETTE}: exit ${replay.status}, ${changes.length} tests with another verdict than on remote`);
    return changes.map((c) => `replay: ${c}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A world with the cloud defect on, started from a copy of the fleet fixture in `dir`. */
function startBroken(dir: string): ReturnType<typeof startSim> {
  const fixture = JSON.parse(readFileSync('fixtures/fleet.json', 'utf8')) as Record<string, unknown>;
  writeFileSync(join(dir, 'fleet.json'), JSON.stringify({ ...fixture, $schema: undefined, defects: [DEFECT.name] }));
  return startSim('--fixture', join(dir, 'fleet.json'));
}

/** Record ENV-04's unknown-lock test from the world with a cloud defect on: the diff must name the changed answer. */
async function defectProblems(dir: string, starting: ReturnType<typeof startSim>): Promise<string[]> {
  try {
    const broken = await starting;
    const after = join(dir, 'cassette.json');
    try {
      // The test fails on the broken cloud (exit 1): what matters is the recording of what it answered.
      spawnSync(...tsx('bin/record.ts', '--out', after, '--grep', DEFECT.grep), {
        stdio: 'inherit',
        // The recorded run's seed: the two cassettes differ in what the cloud answered, nothing else.
        env: { ...process.env, ...APP, LOCKBENCH_SEED: String(readCassette(CASSETTE).seed), LOCKBENCH_REPORTS: join(dir, 'reports'), LOCKBENCH_MATRIX_DIR: join(dir, 'reports'), LOCKBENCH_API_URL: broken.api },
      });
    } finally {
      await broken.stop();
    }
    const diff = spawnSync(...tsx('bin/cassette.ts', 'diff', '--common', CASSETTE, after), { encoding: 'utf8' });
    console.log(`cassette diff with ${DEFECT.name} on (exit ${diff.status}):\n${diff.stdout.split('\n').slice(0, 8).join('\n')}`);
    if (diff.status !== 1) return [`cassette diff exited ${diff.status} after ${DEFECT.name} was switched on (want 1): ${diff.stderr}`];
    return DEFECT.changed.test(diff.stdout) ? [] : [`cassette diff did not name the changed answer (answer.code: 350 → 200) of ${DEFECT.name}`];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
