/**
 * `npm run conformance:lab` (DESIGN §11): prove the lab target against more than one
 * firmware on real time, over socat pty pairs and the real `serialport` binding. Each variant the
 * contract allows must pass; variant A runs twice against the same device process; each lab-run
 * seeded defect of the catalogue must make its catching checks fail. Prints a table, exits 1 on any
 * wrong verdict. Without socat it skips with the reason — unless CI=true, where that is a failure.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LAB_CATALOGUE } from '../harness/defects/catalogue.ts';
import { DEFECTS } from '../sim/defects.ts';
import { outcomesOf } from '../harness/defects/kill-matrix.ts';
import { BenchRig } from '../harness/serial/bench-rig.ts';
import { confirmKill, judgeLabRun, unsettledOf, type LabExpectation, type LabVerdict } from '../harness/defects/lab-verdict.ts';
import { cli, type Cli } from './cli.ts';
import { defectVariants, freshSeed, sweepVariants, type SweepVariant } from './lab-sweep.ts';

const cmd: Cli = cli('lockbench conformance:lab', {
  synopsis: 'npm run conformance:lab -- [--jobs N] [--only NAME,…] [--sweep N] [--seed S]',
  about: `Runs the lab suite (--target lab) against virtual serial locks on socat pty pairs (reports/lab):
  A, A-again  --time running, every other switch at its default; twice on one device process
  H, H-again  the held-out class, twice on one device process: answers cached by seq + payload for ever,
              a lockout in lock time that keeps its end across a set-back, 150 ms answers, no sim ops
              (the -again runs: the checks whose device state crosses runs, see AGAIN_CHECKS)
  C           --time running --lockout-clock real --lockout-survives-set-back --lockout-s 8 (and
              LOCKBENCH_LOCK_LOCKOUT_S=8); only the checks that meet a
              keypad lockout (PWD-07, STATE-01, V2-05), each waiting it out
  variant:S   a correct device drawn from seed S out of the contract's freedoms (sim/variants/lock.ts;
              serial-lock --variant S), the whole suite; checks its caps lack are skipped, all else must pass
  defect:X    each lab-run defect of harness/defects/catalogue.ts on a drawn variant that can show it;
              only the tests of the checks that must catch it
Without flags: A, H, C, a sweep of 3 variants from a fresh seed (printed) and the defects. With --sweep N:
the N variants and the defects only. A failing variant replays alone: --sweep 1 --seed S.
Without socat it skips, except under CI=true where that fails.`,
  options: [
    ['--jobs N', 'runs at once, 1…8; default 4 (the runs mostly wait on real time)'],
    ['--only A,H,…', 'run only these (names as above; the A chain is "A"); default all'],
    ['--sweep N', 'draw N variants (1…100) and run only them and the defects; default 3 beside A, H and C'],
    ['--seed S', 'the sweep\'s first seed (variants S, S+1, …); default fresh, printed'],
  ],
  more: ['Reports per run under reports/lab/NAME/ (output.log, results.json, html), the table in reports/lab/summary.json;', 'run A also adds the lab column to reports/conformance.*.'],
});
const fail: Cli['fail'] = cmd.fail;
const args = cmd.parse({ jobs: { type: 'string', default: '4' }, only: { type: 'string' }, sweep: { type: 'string' }, seed: { type: 'string' } });
const jobs = cmd.uint(args.jobs, '--jobs', 1, 8);
const sweepOnly = args.sweep !== undefined;
const sweepN = sweepOnly ? cmd.uint(args.sweep, '--sweep', 1, 100) : 3;
const sweepSeed = args.seed !== undefined ? cmd.uint(args.seed, '--seed', 0, 0xffffffff) : freshSeed();

if (spawnSync('socat', ['-V'], { stdio: 'ignore' }).error) {
  const msg = 'socat is not installed (apt-get install -y socat)';
  if (process.env.CI === 'true') fail(`${msg}; in CI that is a failure`, 1);
  console.log(`lab check: ${msg}; skipping the lab run`);
  process.exit(0);
}

// A device of our own, not one of the contract vectors' sample locks (DESIGN §11: expectations come
// from the device's own secret).
const LOCK_ID = 4100007;
const SECRET = '5e0c9a7b31d24f68a0b1c2d3e4f50617';
// What DESIGN §11 asks a lab run to show, plus the serial checks a virtual lock with bench control offers.
const MUST_PASS = [
  'PWD-01', 'PWD-02', 'PWD-03', 'PWD-04', 'PWD-05', 'PWD-07', 'TSYNC-01', 'TSYNC-02', 'TSYNC-03',
  'V2-01', 'V2-02', 'V2-03', 'V2-05', 'GW-01', 'PUSH-03', 'LAB-01', 'LAB-02', 'LAB-03', 'LAB-04', 'LAB-05',
];
function grepOf(ids: readonly string[]): string {
  return ids.map((id) => `@${id}\\b`).join('|');
}
const VARIANT_A = ['--time', 'running'];
// A second run on the same device process proves what one run leaves behind: the device's answer cache
// and the seq space the host owns (DESIGN §6 "Answer caches": every lockwire check and time sync), a
// lockout and its end (§5.4, §11), the passwords it holds. LAB-05's 30 s window and the password-window
// properties (PWD-04…06) measure the device, not what a run leaves; the first run has them.
const AGAIN_CHECKS = ['LAB-01', 'LAB-02', 'LAB-03', 'LAB-04', 'TSYNC-01', 'TSYNC-02', 'TSYNC-03', 'PWD-01', 'PWD-02', 'PWD-03', 'PWD-07', 'V2-01', 'V2-02', 'V2-03', 'V2-05'];
const AGAIN_ARGS = ['--grep', grepOf(AGAIN_CHECKS)];
/** One suite run may take this long before it is stopped, ms. */
const SUITE_TIMEOUT_MS = 300_000;

const tmp = mkdtempSync(join(tmpdir(), 'lockbench-labcheck-'));
// H: the class of device that failed 28 of 74 lab tests (DESIGN §6 "Answer caches", §11 a lockout
// begun before a set-back), with its state in a file as firmware keeps it in flash.
const LOCKOUT_H_S = 10;
const VARIANT_H = [
  '--time', 'running', '--state', join(tmp, 'device-h.json'),
  '--variant-set', `cache=seq+payload/forever,lockout=lock-keeps-end,lockoutS=${LOCKOUT_H_S}s,latency=150,caps=keypad+ble+time_sync+clock`,
];
// C: lockout in the device's own real time (DESIGN §11: waited out, bounded by lockout.seconds). Only
// the checks that meet a lockout: each waits a lockout out in real time, so a full run would take minutes.
/** C's keypad lockout, s: short, so that waiting one out in real time costs seconds, not minutes. */
const LOCKOUT_C_S = 8;
const VARIANT_C = ['--time', 'running', '--lockout-clock', 'real', '--lockout-survives-set-back', '--lockout-s', String(LOCKOUT_C_S)];
const LOCKOUT_CHECKS = ['PWD-07', 'STATE-01', 'V2-05'];

interface Run {
  name: string;
  expect: LabExpectation;
  /** Extra Playwright arguments (the defect runs' --grep). */
  pwArgs: string[];
  /** A drawn variant: the required checks are those its caps let run (the rest are skipped with the reason). */
  byCaps?: true;
  /** The clean run whose passing checks confirm a defect's kill (the same variant clean). Default A. */
  confirmWith?: string;
  linkDefects?: string;
  /** The run's matrix goes to reports/ (the main matrix's lab column) rather than its own folder. */
  mainMatrix?: boolean;
}

/** Runs that share one device process, one after the other. */
interface Chain {
  name: string;
  deviceFlags: string[];
  /** Settings the harness needs to match the device (its lockout, DESIGN §5.4). */
  env?: Record<string, string>;
  runs: Run[];
}

const pass: LabExpectation = { kind: 'pass', required: MUST_PASS };
const sweep = sweepVariants(sweepSeed, sweepN);
console.log(`lab check: sweep of ${sweepN} from seed ${sweepSeed} (replay one: --sweep 1 --seed S)`);
for (const v of sweep) console.log(`  ${v.line}`);
const onDefect = defectVariants(LAB_CATALOGUE, sweep, sweepSeed);
const variantChain = (v: SweepVariant): Chain => ({
  name: `variant:${v.seed}`, deviceFlags: v.deviceFlags, env: v.env, runs: [{ name: `variant:${v.seed}`, expect: pass, pwArgs: [], byCaps: true }],
});
const chains: Chain[] = [
  ...(sweepOnly ? [] : [
    { name: 'A', deviceFlags: VARIANT_A, runs: [{ name: 'A', expect: pass, pwArgs: [], mainMatrix: true }, { name: 'A-again', expect: { kind: 'pass', required: MUST_PASS.filter((id) => AGAIN_CHECKS.includes(id)) }, pwArgs: AGAIN_ARGS }] },
    {
      name: 'H', deviceFlags: VARIANT_H, env: { LOCKBENCH_LOCK_LOCKOUT_S: String(LOCKOUT_H_S) },
      runs: [{ name: 'H', expect: { kind: 'pass', required: MUST_PASS.filter((id) => id !== 'LAB-03') }, pwArgs: [] }, { name: 'H-again', expect: { kind: 'pass', required: AGAIN_CHECKS.filter((id) => id !== 'LAB-03') }, pwArgs: AGAIN_ARGS }],
    },
    { name: 'C', deviceFlags: VARIANT_C, env: { LOCKBENCH_LOCK_LOCKOUT_S: String(LOCKOUT_C_S) }, runs: [{ name: 'C', expect: { kind: 'pass', required: LOCKOUT_CHECKS }, pwArgs: ['--grep', grepOf(LOCKOUT_CHECKS)] }] },
  ] satisfies Chain[]),
  ...sweep.map(variantChain),
  ...LAB_CATALOGUE.map((d): Chain => {
    const onLink = DEFECTS[d.name].room === 'serial-link';
    const v = onDefect.get(d.name);
    const run: Run = {
      name: `defect:${d.name}`,
      expect: { kind: 'caught', caughtBy: d.caughtBy },
      pwArgs: ['--grep', grepOf(d.caughtBy)],
      ...(onLink ? { linkDefects: d.name } : {}),
      ...(v && sweep.includes(v) ? { confirmWith: `variant:${v.seed}` } : {}),
    };
    const flags = v ? v.deviceFlags : VARIANT_A;
    return { name: run.name, deviceFlags: onLink ? flags : [...flags, '--defects', d.name], env: v?.env ?? {}, runs: [run] };
  }),
];
const only = args.only?.split(',').map((s) => s.trim()).filter(Boolean);
for (const n of only ?? []) {
  if (chains.some((c) => c.name === n)) continue;
  rmSync(tmp, { recursive: true, force: true });
  fail(`--only: unknown run "${n}" (known: ${chains.map((c) => c.name).join(', ')})`);
}
const selected = only ? chains.filter((c) => only.includes(c.name)) : chains;

interface Row {
  run: string;
  device: string;
  verdict: LabVerdict;
  seconds: number;
  log: string;
  expect: LabExpectation;
  confirmWith?: string;
  /** A drawn variant's line (`variant S: cache=… latency=…`). */
  draw?: string;
}
const rows: Row[] = [];
const problems: string[] = [];

/** One Playwright run of the lab suite against the rig; its output goes to the run's log. */
async function runSuite(rig: BenchRig, run: Run, chain: Chain): Promise<void> {
  const reports = join('reports', 'lab', run.name.replace(/[^\w.-]+/g, '_'));
  rmSync(reports, { recursive: true, force: true });
  mkdirSync(reports, { recursive: true });
  const log = createWriteStream(join(reports, 'output.log'));
  const t0 = performance.now();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LOCKBENCH_REPORTS: reports,
    LOCKBENCH_MATRIX_DIR: run.mainMatrix ? 'reports' : reports,
    LOCKBENCH_SERIAL: rig.hostPath,
    LOCKBENCH_LOCK_ID: String(LOCK_ID),
    LOCKBENCH_LOCK_SECRET: SECRET,
    LOCKBENCH_BENCH_CONTROL: rig.controlUrl,
    // One harness state file per device: each chain is another device, and one lab worker owns a file (DESIGN §11).
    LOCKBENCH_LAB_STATE: join(tmp, chain.name.replace(/[^\w.-]+/g, '_'), 'lab-state.json'),
    LOCKBENCH_LINK_DEFECTS: run.linkDefects ?? '',
    ...chain.env,
  };
  // Asynchronous on purpose: the rig's bench-control server must keep answering while the suite runs.
  const suite = spawn(process.execPath, ['--import', 'tsx', 'bin/conformance.ts', '--target', 'lab', '--output', join('test-results', 'lab', run.name.replace(/[^\w.-]+/g, '_')), ...run.pwArgs], {
    stdio: ['ignore', 'pipe', 'pipe'], env,
  });
  // Bounded: a wedged run is stopped (Playwright's own timeouts should come first).
  const stopAfter = setTimeout(() => suite.kill('SIGTERM'), SUITE_TIMEOUT_MS);
  suite.stdout!.pipe(log, { end: false });
  suite.stderr!.pipe(log, { end: false });
  const code = await new Promise<number | null>((resolve) => suite.once('exit', (c) => resolve(c)));
  clearTimeout(stopAfter);
  await new Promise<void>((r) => log.end(r));
  let outcomes: ReturnType<typeof outcomesOf> = [];
  try {
    outcomes = outcomesOf(JSON.parse(readFileSync(join(reports, 'results.json'), 'utf8')));
  } catch (e) {
    problems.push(`${run.name}: no JSON report (${(e as Error).message}); see ${reports}/output.log`);
  }
  // A drawn variant lacking a cap skips the checks that need it (with the reason): those are not required of it.
  const ran = (id: string) => outcomes.some((o) => o.checkIds.includes(id) && o.status !== 'skipped');
  const expect: LabExpectation = run.byCaps && run.expect.kind === 'pass' ? { kind: 'pass', required: run.expect.required.filter(ran) } : run.expect;
  let output = '';
  try {
    output = readFileSync(join(reports, 'output.log'), 'utf8');
  } catch {
    // No log: the run's own problem is already recorded above.
  }
  const verdict = judgeLabRun(expect, code, outcomes, unsettledOf(output));
  const seconds = (performance.now() - t0) / 1000;
  rows.push({ run: run.name, device: chain.deviceFlags.join(' ').replace(tmp, '$TMP'), verdict, seconds, log: join(reports, 'output.log'), expect: run.expect, ...(run.confirmWith ? { confirmWith: run.confirmWith } : {}), ...(chain.env?.LOCKBENCH_VARIANT ? { draw: chain.env.LOCKBENCH_VARIANT } : {}) });
  console.log(`lab check: ${run.name} ${verdict.ok ? 'ok' : 'WRONG'} in ${seconds.toFixed(1)} s — ${verdict.reason}`);
}

async function runChain(chain: Chain): Promise<void> {
  const dir = join(tmp, chain.name.replace(/[^\w.-]+/g, '_'));
  const stderr: Buffer[] = [];
  let rig: BenchRig;
  try {
    rig = await BenchRig.start({ dir, lockId: LOCK_ID, secretHex: SECRET, deviceFlags: chain.deviceFlags, deviceStderr: (c) => void stderr.push(c) });
  } catch (e) {
    problems.push(`${chain.name}: the bench did not start: ${(e as Error).message}; device said: ${Buffer.concat(stderr).toString().trim()}`);
    return;
  }
  try {
    for (const run of chain.runs) {
      if (!rig.deviceAlive) {
        problems.push(`${run.name}: the device process is gone: ${Buffer.concat(stderr).toString().trim()}`);
        break;
      }
      await runSuite(rig, run, chain);
    }
  } finally {
    const exit = await rig.stop();
    if (exit !== 0) problems.push(`${chain.name}: serial-lock exited with ${exit} on SIGTERM (want 0)`);
  }
}

const t0 = performance.now();
const queue = [...selected];
await Promise.all(Array.from({ length: Math.min(jobs, queue.length) }, async () => {
  for (let c = queue.shift(); c; c = queue.shift()) await runChain(c);
}));
rmSync(tmp, { recursive: true, force: true });
const total = (performance.now() - t0) / 1000;

const order = selected.flatMap((c) => c.runs.map((r) => r.name));
rows.sort((a, b) => order.indexOf(a.run) - order.indexOf(b.run));
// A defect's kill counts only by checks the clean device A passed (without A in the selection, unconfirmed).
for (const r of rows) {
  // A kill counts only by checks the same device, clean, passed (A when the variant did not run clean).
  const clean = rows.find((c) => c.run === (r.confirmWith ?? 'A'))?.verdict ?? rows.find((c) => c.run === 'A')?.verdict;
  if (r.expect.kind === 'caught' && clean) r.verdict = confirmKill(r.verdict, r.expect.caughtBy, clean);
  else if (r.expect.kind === 'caught' && r.verdict.ok) r.verdict = { ...r.verdict, reason: `${r.verdict.reason} (unconfirmed: no clean run of its device)` };
  if (!r.verdict.ok) problems.push(`${r.run}: ${r.verdict.reason} (see ${r.log})`);
}
const w = Math.max(...rows.map((r) => r.run.length), 3);
console.log(`\n${'run'.padEnd(w)}  verdict  pass fail skip      s  expected / why`);
for (const r of rows) {
  const v = r.verdict;
  console.log(`${r.run.padEnd(w)}  ${(v.ok ? 'ok' : 'WRONG').padEnd(7)}  ${String(v.passed).padStart(4)} ${String(v.failed).padStart(4)} ${String(v.skipped).padStart(4)} ${r.seconds.toFixed(0).padStart(6)}  ${v.reason}`);
  console.log(`${''.padEnd(w)}           device: serial-lock ${r.device}`);
  if (r.draw) console.log(`${''.padEnd(w)}           ${r.draw}`);
}
console.log(`lab check: ${rows.filter((r) => r.verdict.ok).length}/${order.length} runs right in ${total.toFixed(0)} s (${jobs} at once)`);
mkdirSync(join('reports', 'lab'), { recursive: true });
writeFileSync(join('reports', 'lab', 'summary.json'), `${JSON.stringify({ seconds: Math.round(total), jobs, sweepSeed, runs: rows.map((r) => ({ run: r.run, device: r.device, draw: r.draw, red: r.verdict.redIds, ok: r.verdict.ok, reason: r.verdict.reason, passed: r.verdict.passed, failed: r.verdict.failed, skipped: r.verdict.skipped, seconds: Math.round(r.seconds) })), problems }, null, 1)}\n`);
if (problems.length) {
  console.error(`lab check failed:\n- ${problems.join('\n- ')}`);
  process.exit(1);
}
