/**
 * `npm run conformance:gateway` (DESIGN §12, in `npm test`): the `gateway` target against
 * `npm run gateway` as a separate process on a real TCP port (a free loopback port passed through
 * LOCKBENCH_MQTT_PORT, never 1883). The clean gateway must pass GWP-01…06 and the real-time GW / V2 /
 * PUSH checks; a gateway counting event ids from 1 on every connection must pass too (an allowed
 * choice), and so must one that sends a command's events before its ack; each faulty gateway must fail
 * the run, on the check that names its fault.
 * Options: `--quick` runs the clean gateway only; `--help`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { freePort } from '../sim/io/free-port.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { outcomesOf } from '../harness/defects/kill-matrix.ts';
import type { Matrix } from '../harness/report/matrix.ts';

if (process.argv.includes('--help')) {
  process.stdout.write(`Usage: npm run conformance:gateway [-- --quick]\n\nRuns the gateway target against npm run gateway processes (clean, per-connection event ids, and faulty ones).\n  --quick   the clean gateway only\n`);
  process.exit(0);
}
const unknown = process.argv.slice(2).filter((a) => a !== '--quick');
if (unknown.length) {
  process.stderr.write(`conformance:gateway: unknown option ${unknown[0]} (see --help)\n`);
  process.exit(2);
}

const AP_ID = '1000002';
const SECRET = 'gw-secret-1000002';
const LOCK_IDS = '1000001,1000003';
const LOCK_SECRET = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const SPECS = ['specs/gateway-protocol.spec.ts', 'specs/gateway-realtime.spec.ts', 'specs/gateway.spec.ts', 'specs/state.spec.ts', 'specs/v2-passwords.spec.ts', 'specs/push.spec.ts'];
const MUST_PASS = ['GWP-01', 'GWP-02', 'GWP-03', 'GWP-04', 'GWP-05', 'GWP-06', 'GW-01', 'GW-03', 'GW-04', 'V2-01', 'V2-02', 'V2-03', 'PUSH-01'];

interface Run {
  name: string;
  /** Extra flags of `npm run gateway`. */
  gatewayArgs: string[];
  specs: string[];
  /** Only the tests of these checks (faulty runs: the checks that name the fault, to keep the run short). */
  checks?: string[];
  /** `pass`: exit 0; otherwise the check (or start-up message) that must fail, and checks that must still pass. */
  expect: 'pass' | { failed: string; passed?: string[] } | { stops: RegExp };
  env?: Record<string, string>;
}

const RUNS: Run[] = [
  { name: 'clean gateway', gatewayArgs: [], specs: SPECS, expect: 'pass' },
  { name: 'event ids from 1 on every connection (allowed)', gatewayArgs: ['--event-ids', 'per-connection'], specs: SPECS.slice(0, 2), expect: 'pass' },
  { name: 'events before the ack (allowed)', gatewayArgs: ['--event-order', 'events-first'], specs: SPECS, expect: 'pass' },
  { name: 'no will', gatewayArgs: ['--defects', 'gateway-no-will'], specs: SPECS.slice(0, 1), checks: ['GWP-01'], expect: { failed: 'GWP-01' } },
  { name: 'no dedup of a repeated command id', gatewayArgs: ['--defects', 'gateway-double-actuate'], specs: SPECS.slice(0, 1), checks: ['GWP-03'], expect: { failed: 'GWP-03' } },
  { name: 'acks later than the ack timeout', gatewayArgs: ['--defects', 'gateway-slow-ack'], specs: SPECS.slice(0, 1), checks: ['GWP-02'], expect: { failed: 'GWP-02' } },
  { name: 'a user password accepted outside its window', gatewayArgs: ['--defects', 'lock-user-window-ignored'], specs: SPECS.slice(0, 1), checks: ['V2-01'], expect: { failed: 'V2-01' } },
  {
    name: 'publishes outside its topics (refused, counted, the run goes on)', gatewayArgs: ['--defects', 'gateway-stray-publish'], specs: SPECS.slice(0, 1),
    checks: ['GWP-01', 'GWP-06'], expect: { failed: 'GWP-06', passed: ['GWP-01'] },
  },
  { name: 'unlock events with lock_time 1e300 (dropped, named, the run completes)', gatewayArgs: ['--defects', 'gateway-lock-time-out-of-range'], specs: SPECS.slice(0, 1), checks: ['GWP-06'], expect: { failed: 'GWP-06' } },
  { name: 'status not retained', gatewayArgs: ['--defects', 'gateway-status-not-retained'], specs: SPECS.slice(0, 1), expect: { stops: /without the retain flag/ }, env: { LOCKBENCH_GATEWAY_WAIT_S: '3' } },
];

function exitOf(child: ChildProcess, timeoutMs: number): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(null), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(t);
      resolve(code);
    });
  });
}

/** One run: the gateway process first (it keeps trying until the harness's broker is up), then the suite. */
async function runOnce(run: Run, reports: string, matrixDir: string): Promise<string[]> {
  const port = await freePort();
  const gateway = spawn(process.execPath, [
    '--import', 'tsx', 'bin/gateway.ts', '--mqtt', `mqtt://127.0.0.1:${port}`, '--ap-id', AP_ID, '--secret', SECRET, '--reconnect-ms', '200', ...run.gatewayArgs,
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  let gatewayLog = '';
  gateway.stderr!.on('data', (d) => (gatewayLog += d));
  let out = '';
  const grep = run.checks ? ['--grep', run.checks.map((c) => `@${c}\\b`).join('|')] : [];
  const suite = spawn(process.execPath, ['--import', 'tsx', 'bin/conformance.ts', '--target', 'gateway', ...grep, ...run.specs], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env, LOCKBENCH_REPORTS: reports, LOCKBENCH_MATRIX_DIR: matrixDir, LOCKBENCH_MQTT_HOST: '127.0.0.1', LOCKBENCH_MQTT_PORT: String(port),
      LOCKBENCH_GATEWAY_AP_ID: AP_ID, LOCKBENCH_GATEWAY_SECRET: SECRET, LOCKBENCH_LOCK_IDS: LOCK_IDS, LOCKBENCH_LOCK_SECRET: LOCK_SECRET,
      LOCKBENCH_GATEWAY_WAIT_S: '30', LOCKBENCH_ACK_TIMEOUT_MS: '1500', ...run.env,
    },
  });
  for (const s of [suite.stdout!, suite.stderr!]) s.on('data', (d) => {
    out += d;
    if (run.expect === 'pass') process.stdout.write(d);
  });
  const status = await exitOf(suite, 600_000);
  gateway.kill('SIGTERM');
  const gatewayExit = await exitOf(gateway, 6000);
  if (gatewayExit === null) gateway.kill('SIGKILL');

  const problems: string[] = [];
  if (gatewayExit !== 0) problems.push(`npm run gateway exited with ${gatewayExit} on SIGTERM (want 0): ${gatewayLog.slice(-300)}`);
  if (run.expect === 'pass') {
    if (status !== 0) problems.push(`the run exited with ${status} (want 0)`);
    return problems;
  }
  if (status === 0) problems.push(`the run passed (want a failure): ${out.slice(-500)}`);
  const want = run.expect;
  if ('stops' in want && !want.stops.test(out)) problems.push(`the run did not stop with ${want.stops}: ${out.slice(-500)}`);
  if ('failed' in want) {
    const outcomes = outcomesOf(JSON.parse(readFileSync(join(reports, 'results.json'), 'utf8')));
    const failed = outcomes.filter((o) => o.status === 'failed' || o.status === 'timedOut').flatMap((o) => o.checkIds);
    if (!failed.includes(want.failed)) problems.push(`${want.failed} did not fail (failed: ${[...new Set(failed)].join(' ') || 'none'})`);
    const passed = outcomes.filter((o) => o.status === 'passed').flatMap((o) => o.checkIds);
    for (const id of want.passed ?? []) if (!passed.includes(id)) problems.push(`${id} did not pass: the run must go on past the fault`);
  }
  return problems;
}

const runs = process.argv.includes('--quick') ? RUNS.slice(0, 1) : RUNS;
const scratch = mkdtempSync(join(tmpdir(), 'lockbench-gateway-'));
const problems: string[] = [];
for (const [i, run] of runs.entries()) {
  // The clean run writes the project's reports and matrix column; the others stay in a scratch folder.
  const clean = i === 0;
  const reports = clean ? 'reports/gateway' : join(scratch, `run-${i}`);
  const t0 = performance.now();
  const found = await runOnce(run, reports, clean ? (process.env.LOCKBENCH_MATRIX_DIR ?? 'reports') : reports);
  console.log(`gateway check: ${run.name}: ${found.length ? 'PROBLEM' : 'as expected'} (${Math.round((performance.now() - t0) / 1000)} s)`);
  problems.push(...found.map((p) => `${run.name}: ${p}`));
  if (clean) {
    const matrix = JSON.parse(readFileSync(join(process.env.LOCKBENCH_MATRIX_DIR ?? 'reports', 'conformance.json'), 'utf8')) as Matrix;
    const column = matrix.columns.find((c) => c.startsWith('gateway'));
    const passed = matrix.rows.filter((r) => column && r.cells[column]?.status === 'pass').map((r) => r.id);
    for (const id of MUST_PASS) if (!passed.includes(id)) problems.push(`${run.name}: ${id} did not pass on the gateway target`);
    console.log(`gateway target: ${passed.length} checks passed: ${passed.join(' ')}`);
  }
}
rmSync(scratch, { recursive: true, force: true });
if (problems.length) {
  console.error(`gateway check failed:\n- ${problems.join('\n- ')}`);
  process.exit(1);
}
