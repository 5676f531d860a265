/**
 * One run of `conformance:gateway` (DESIGN §12): `npm run gateway` as a separate process on a free
 * loopback port (never 1883), then the `gateway` target's suite against it; what the run should show
 * (`expect`) is compared with what it did. Shared by the fixed runs (`gateway-check.ts`) and the
 * variant sweep (`gateway-sweep.ts`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../sim/io/free-port.ts';
import { outcomesOf } from '../harness/defects/kill-matrix.ts';
import type { Matrix } from '../harness/report/matrix.ts';
import { strangerFlood, type FloodFigures } from '../sim/broker/strangers-flood.ts';

export const AP_ID = '1000002';
const SECRET = 'gw-secret-1000002';
const LOCK_IDS = '1000001,1000003';
const LOCK_SECRET = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
export const SPECS = ['specs/gateway-protocol.spec.ts', 'specs/gateway-realtime.spec.ts', 'specs/gateway.spec.ts', 'specs/state.spec.ts', 'specs/v2-passwords.spec.ts', 'specs/push.spec.ts'];
export const MUST_PASS = ['GWP-01', 'GWP-02', 'GWP-03', 'GWP-04', 'GWP-05', 'GWP-06', 'GW-01', 'GW-03', 'GW-04', 'V2-01', 'V2-02', 'V2-03', 'PUSH-01'];

export interface Run {
  name: string;
  /** Extra flags of `npm run gateway`. */
  gatewayArgs: string[];
  specs: string[];
  /** Only the tests of these checks (faulty runs: the checks that name the fault, to keep the run short). */
  checks?: string[];
  /**
   * `pass`: exit 0; otherwise the check (or start-up message) that must fail, what its failure must say
   * (`says`, in the suite's output), and checks that must still pass; or what a run that stops says, its
   * exit code and the reason its matrix gives the checks it did not run.
   */
  expect: 'pass' | { failed: string; says?: RegExp; passed?: string[] } | { stops: RegExp; exit?: number; notRun?: string };
  env?: Record<string, string>;
  /** Echo the suite's output as it comes (a run alone); runs side by side print theirs when they go wrong. */
  echo?: boolean;
  /**
   * A stranger hammers the broker with CONNECTs it must refuse for the whole run (issue "a device under
   * test is untrusted": offering gw:{ap_id} with wrong passwords, and random usernames). The run must
   * still be as `expect` says, and the host must report the refusals apart from the gateway's verdict.
   */
  stranger?: boolean;
}

export interface RunResult {
  /** What differs from `expect` (empty: as expected). */
  problems: string[];
  /** Check ids of the failed tests (from the JSON report; empty when the run stopped before any test). */
  failed: string[];
  /** The gateway process's stderr (its variant line first). */
  gatewayLog: string;
  /** What the broker answered the stranger, on a `stranger` run. */
  stranger?: FloodFigures;
  /** The suite's output (stdout and stderr as they came). */
  out: string;
}

/** The host's teardown line for refusals of clients that never authenticated (harness/targets/gateway-setup.ts). */
const STRANGERS_LINE = /broker refused (\d+) CONNECT\(s\) of clients that never authenticated/;

export function exitOf(child: ChildProcess, timeoutMs: number): Promise<number | null> {
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
export async function runOnce(run: Run, reports: string, matrixDir: string): Promise<RunResult> {
  const port = await freePort();
  const gateway = spawn(process.execPath, [
    '--import', 'tsx', 'bin/gateway.ts', '--mqtt', `mqtt://127.0.0.1:${port}`, '--ap-id', AP_ID, '--secret', SECRET, '--reconnect-ms', '200', ...run.gatewayArgs,
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  let gatewayLog = '';
  gateway.stderr!.on('data', (d) => (gatewayLog += d));
  let out = '';
  const grep = run.checks ? ['--grep', run.checks.map((c) => `@${c}\\b`).join('|')] : [];
  // Each run its own Playwright output folder: runs side by side must not clean each other's.
  const output = join('test-results', 'gateway', run.name.replace(/[^\w.-]+/g, '_').slice(0, 60));
  const suite = spawn(process.execPath, ['--import', 'tsx', 'bin/conformance.ts', '--target', 'gateway', '--output', output, ...grep, ...run.specs], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env, LOCKBENCH_REPORTS: reports, LOCKBENCH_MATRIX_DIR: matrixDir, LOCKBENCH_MQTT_HOST: '127.0.0.1', LOCKBENCH_MQTT_PORT: String(port),
      LOCKBENCH_GATEWAY_AP_ID: AP_ID, LOCKBENCH_GATEWAY_SECRET: SECRET, LOCKBENCH_LOCK_IDS: LOCK_IDS, LOCKBENCH_LOCK_SECRET: LOCK_SECRET,
      LOCKBENCH_GATEWAY_WAIT_S: '30', LOCKBENCH_ACK_TIMEOUT_MS: '1500', ...run.env,
    },
  });
  for (const s of [suite.stdout!, suite.stderr!]) s.on('data', (d) => {
    out += d;
    if (run.echo) process.stdout.write(d);
  });
  const stop = new AbortController();
  // Few sockets, many addresses: a steady hammer that does not starve the real gateway of the shared cores.
  const flood = run.stranger ? strangerFlood({ host: '127.0.0.1', port, apId: Number(AP_ID), concurrency: 2, signal: stop.signal }) : undefined;
  const status = await exitOf(suite, 600_000);
  stop.abort();
  const stranger = await flood;
  gateway.kill('SIGTERM');
  const gatewayExit = await exitOf(gateway, 6000);
  if (gatewayExit === null) gateway.kill('SIGKILL');

  const results = join(reports, 'results.json');
  const outcomes = existsSync(results) ? outcomesOf(JSON.parse(readFileSync(results, 'utf8'))) : [];
  const failed = [...new Set(outcomes.filter((o) => o.status === 'failed' || o.status === 'timedOut').flatMap((o) => o.checkIds))];
  const problems: string[] = [];
  if (gatewayExit !== 0) problems.push(`npm run gateway exited with ${gatewayExit} on SIGTERM (want 0): ${gatewayLog.slice(-300)}`);
  if (stranger) problems.push(...strangerProblems(stranger, out));
  if (run.expect === 'pass') {
    if (status !== 0) problems.push(`the run exited with ${status} (want 0)${failed.length ? `; failed ${failed.join(' ')}` : `: ${out.slice(-400)}`}`);
    return { problems, failed, gatewayLog, out, ...(stranger ? { stranger } : {}) };
  }
  if (status === 0) problems.push(`the run passed (want a failure): ${out.slice(-500)}`);
  const want = run.expect;
  if ('stops' in want) {
    if (!want.stops.test(out)) problems.push(`the run did not stop with ${want.stops}: ${out.slice(-500)}`);
    if (want.exit !== undefined && status !== want.exit) problems.push(`the run exited with ${status} (want ${want.exit})`);
    if (want.notRun !== undefined && !notRunReasons(matrixDir).some((r) => r.includes(want.notRun!))) {
      problems.push(`no check of the matrix reads "${want.notRun}"`);
    }
  }
  if ('failed' in want) {
    if (!failed.includes(want.failed)) problems.push(`${want.failed} did not fail (failed: ${failed.join(' ') || 'none'})`);
    else if (want.says && !want.says.test(out)) problems.push(`${want.failed} failed without saying ${want.says}: ${out.slice(-500)}`);
    const passed = outcomes.filter((o) => o.status === 'passed').flatMap((o) => o.checkIds);
    for (const id of want.passed ?? []) if (!passed.includes(id)) problems.push(`${id} did not pass: the run must go on past the fault`);
  }
  return { problems, failed, gatewayLog, out, ...(stranger ? { stranger } : {}) };
}

/** The reasons the gateway column of the matrix in `dir` gives for its cells (empty without a matrix). */
function notRunReasons(dir: string): string[] {
  const file = join(dir, 'conformance.json');
  if (!existsSync(file)) return [];
  const matrix = JSON.parse(readFileSync(file, 'utf8')) as Matrix;
  const column = matrix.columns.find((c) => c.startsWith('gateway'));
  return matrix.rows.flatMap((r) => (column ? r.cells[column]?.reasons ?? [] : []));
}

/** A stranger run: the broker refused the stranger throughout, let it in never, and the host reported the refusals apart. */
export function strangerProblems(f: FloodFigures, out: string): string[] {
  const problems: string[] = [];
  if (f.accepted > 0) problems.push(`the broker let the stranger in ${f.accepted}× (docs/mqtt-gateway.md §4: every client authenticates)`);
  if (f.refused === 0) problems.push(`the stranger was never refused (${JSON.stringify(f)}): it did not hammer the broker`);
  const reported = Number(STRANGERS_LINE.exec(out)?.[1] ?? 0);
  if (reported === 0) problems.push('the host did not report the strangers\' refusals apart (no "broker refused N CONNECT(s) of clients that never authenticated" line)');
  return problems;
}
