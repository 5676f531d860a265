/**
 * `npm run conformance:gateway` (DESIGN §12, in `npm test`): the `gateway` target against
 * `npm run gateway` as a separate process on a real TCP port (a free loopback port passed through
 * LOCKBENCH_MQTT_PORT, never 1883). The clean gateway must pass GWP-01…06 and the real-time GW / V2 /
 * PUSH checks; a gateway counting event ids from 1 on every connection must pass too (an allowed
 * choice), and so must one that sends a command's events before its ack, and the clean one again (GWP
 * checks) while a stranger hammers the broker with CONNECTs it must refuse; each faulty gateway — on a
 * drawn variant, not only our own choices — must fail the run on the check that names its fault; and a
 * short sweep of drawn variants (issue 20) must pass.
 * Options: `--quick` runs the clean gateway only; `--sweep N [--seed S]` runs only the sweep of N
 * variants drawn from sweep seed S (default a fresh one, printed); `--variant X` replays one variant by
 * its seed; `--help`.
 */
import { randomInt } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Matrix } from '../harness/report/matrix.ts';
import { SEED_MAX } from '../sim/random.ts';
import { MUST_PASS, runOnce, SPECS, type Run } from './gateway-runs.ts';
import { pool, sweep, sweepSeeds, sweepTable, variantLine, writeSweep, type SweepRow } from './gateway-sweep.ts';

const HELP = `Usage: npm run conformance:gateway [-- --quick | --sweep N [--seed S] | --variant X]

Runs the gateway target against npm run gateway processes: clean, allowed choices, clean again (GWP)
while a stranger hammers the broker with CONNECTs it must refuse, faulty ones (on a drawn variant), and a
short sweep of 3 drawn variants over the gateway-protocol and real-time specs (each must pass).
  --quick        the clean gateway only
  --sweep N      only the sweep: N variants drawn from the sweep seed; table on stdout and in reports/gateway/sweep.json
  --seed S       the sweep seed (default: a fresh one, printed); the same S draws the same variants
  --variant X    replay one variant by its seed (the "seed" column of the table)
`;

function die(message: string): never {
  process.stderr.write(`conformance:gateway: ${message} (see --help)\n`);
  process.exit(2);
}

const OPTIONS = { quick: { type: 'boolean' }, sweep: { type: 'string' }, seed: { type: 'string' }, variant: { type: 'string' }, help: { type: 'boolean' } } as const;
function parse(): ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>['values'] {
  try {
    return parseArgs({ options: OPTIONS }).values;
  } catch (e) {
    return die((e as Error).message);
  }
}
const opts = parse();
if (opts.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
const seedOf = (text: string, flag: string): number => {
  if (!/^\d+$/.test(text) || Number(text) > SEED_MAX) die(`${flag} must be an integer 0…${SEED_MAX}, got "${text}"`);
  return Number(text);
};
const sweepN = opts.sweep === undefined ? undefined : /^[1-9]\d{0,3}$/.test(opts.sweep) ? Number(opts.sweep) : die(`--sweep must be a count 1…9999, got "${opts.sweep}"`);
if (opts.seed !== undefined && sweepN === undefined) die('--seed goes with --sweep N');
if ([opts.quick, sweepN !== undefined, opts.variant !== undefined].filter(Boolean).length > 1) die('--quick, --sweep and --variant exclude each other');
/** Variants in the sweep of a plain run (`npm test`): a few, each a whole gateway-target run (~15–30 s). */
const SHORT_SWEEP = 3;
const sweepSeed = opts.seed !== undefined ? seedOf(opts.seed, '--seed') : randomInt(0, SEED_MAX + 1);
const seeds = opts.variant !== undefined ? [seedOf(opts.variant, '--variant')] : sweepSeeds(sweepSeed, sweepN ?? SHORT_SWEEP);
/** The faulty gateways run on a drawn variant too: each defect must be caught whatever the gateway's free choices. */
const defectVariant = sweepSeeds(sweepSeed, SHORT_SWEEP + 1)[SHORT_SWEEP]!;
const onVariant = (args: string[]): string[] => ['--variant', String(defectVariant), ...args];

const RUNS: Run[] = [
  { name: 'clean gateway', gatewayArgs: [], specs: SPECS, expect: 'pass', echo: true },
  { name: 'event ids from 1 on every connection (allowed)', gatewayArgs: ['--event-ids', 'per-connection'], specs: SPECS.slice(0, 2), expect: 'pass', echo: true },
  { name: 'events before the ack (allowed)', gatewayArgs: ['--event-order', 'events-first'], specs: SPECS, expect: 'pass', echo: true },
  // Issue "a device under test is untrusted", done-when: a stranger's bad CONNECTs never fail a clean gateway; GWP only, to keep CI short.
  {
    name: 'clean gateway while a stranger hammers the broker with bad CONNECTs', gatewayArgs: [], specs: SPECS.slice(0, 1),
    checks: ['GWP-01', 'GWP-02', 'GWP-03', 'GWP-04', 'GWP-05', 'GWP-06'], expect: 'pass', stranger: true,
  },
  { name: 'no will', gatewayArgs: onVariant(['--defects', 'gateway-no-will']), specs: SPECS.slice(0, 1), checks: ['GWP-01'], expect: { failed: 'GWP-01' } },
  { name: 'no dedup of a repeated command id', gatewayArgs: onVariant(['--defects', 'gateway-double-actuate']), specs: SPECS.slice(0, 1), checks: ['GWP-03'], expect: { failed: 'GWP-03' } },
  { name: 'acks later than the ack timeout', gatewayArgs: onVariant(['--defects', 'gateway-slow-ack']), specs: SPECS.slice(0, 1), checks: ['GWP-02'], expect: { failed: 'GWP-02' } },
  { name: 'a user password accepted outside its window', gatewayArgs: onVariant(['--defects', 'lock-user-window-ignored']), specs: SPECS.slice(0, 1), checks: ['V2-01'], expect: { failed: 'V2-01' } },
  {
    name: 'publishes outside its topics (refused, counted, the run goes on)', gatewayArgs: onVariant(['--defects', 'gateway-stray-publish']), specs: SPECS.slice(0, 1),
    checks: ['GWP-01', 'GWP-06'], expect: { failed: 'GWP-06', passed: ['GWP-01'] },
  },
  {
    name: 'unlock events with lock_time 1e300 (dropped, named, the run completes)', gatewayArgs: onVariant(['--defects', 'gateway-lock-time-out-of-range']), specs: SPECS.slice(0, 1), checks: ['GWP-06'],
    expect: { failed: 'GWP-06', says: /the device sent: [^\n]*lock_time must be/ },
  },
  // A device that cannot be settled stops the run after a few settles failing the same way (DESIGN §9 Harness),
  // not every remaining test one ack timeout at a time; the checks left read "not run (device could not be settled)".
  {
    name: 'acks too late to settle (the run stops after 3 settles, the rest not run)', gatewayArgs: onVariant(['--defects', 'gateway-slow-ack']), specs: SPECS,
    expect: { stops: /the run stopped: device could not be settled: 3 settles in a row failed the same way: .*answered 364/, exit: 1, notRun: 'not run (device could not be settled)' },
  },
  { name: 'status not retained', gatewayArgs: onVariant(['--defects', 'gateway-status-not-retained']), specs: SPECS.slice(0, 1), expect: { stops: /without the retain flag/ }, env: { LOCKBENCH_GATEWAY_WAIT_S: '3' } },
];

const scratch = mkdtempSync(join(tmpdir(), 'lockbench-gateway-'));
const problems: string[] = [];

/** Runs side by side in a plain run: each has its own broker, gateway process and folders, and mostly waits on MQTT. */
const JOBS = 3;

/** The sweep: every drawn variant must pass; the table on stdout and in reports/gateway/sweep.json. */
async function runSweep(short: boolean): Promise<void> {
  console.log(opts.variant !== undefined ? `gateway sweep: variant ${seeds[0]}` : `gateway sweep: ${seeds.length} variants from sweep seed ${sweepSeed} (again: --sweep ${seeds.length} --seed ${sweepSeed})`);
  const progress = (r: SweepRow): void => console.log(`gateway sweep: variant ${r.seed}: ${r.verdict}${r.failing.length ? ` (${r.failing.join(' ')})` : ''} (${r.seconds} s) ${r.variant}`);
  // The short sweep of a plain run keeps to the gateway's own protocol specs (GWP, real-time GW/V2/PUSH): the whole suite takes ~60 s a variant.
  const rows = await sweep(seeds, scratch, progress, short ? SPECS.slice(0, 2) : SPECS, JOBS);
  console.log(`\n${sweepTable(rows)}\n`);
  writeSweep('reports/gateway/sweep.json', opts.variant !== undefined ? undefined : sweepSeed, rows);
  for (const r of rows.filter((x) => x.verdict === 'FAIL')) problems.push(`variant ${r.seed} (${r.variant}) must pass — replay: npm run conformance:gateway -- --variant ${r.seed}: ${r.problems.join('; ')}`);
}

/** One run of RUNS; the first (clean) writes the project's reports and matrix column, the others a scratch folder. */
async function runAt(i: number, alone: boolean): Promise<void> {
  const run = RUNS[i]!;
  const clean = i === 0;
  const reports = clean ? 'reports/gateway' : join(scratch, `run-${i}`);
  const t0 = performance.now();
  const result = await runOnce({ ...run, echo: alone && run.echo }, reports, clean ? (process.env.LOCKBENCH_MATRIX_DIR ?? 'reports') : reports);
  const found = result.problems;
  console.log(`gateway check: ${run.name}: ${found.length ? 'PROBLEM' : 'as expected'} (${Math.round((performance.now() - t0) / 1000)} s)`);
  // A run beside others printed nothing as it went: what it said goes out with its problem.
  if (found.length && !alone) console.log(result.out);
  problems.push(...found.map((p) => `${run.name}: ${p}`));
  if (clean) {
    const matrix = JSON.parse(readFileSync(join(process.env.LOCKBENCH_MATRIX_DIR ?? 'reports', 'conformance.json'), 'utf8')) as Matrix;
    const column = matrix.columns.find((c) => c.startsWith('gateway'));
    const passed = matrix.rows.filter((r) => column && r.cells[column]?.status === 'pass').map((r) => r.id);
    for (const id of MUST_PASS) if (!passed.includes(id)) problems.push(`${run.name}: ${id} did not pass on the gateway target`);
    console.log(`gateway target: ${passed.length} checks passed: ${passed.join(' ')}`);
  }
}

if (sweepN !== undefined || opts.variant !== undefined) await runSweep(false);
else {
  if (!opts.quick) console.log(`gateway check: faulty gateways on variant ${defectVariant}: ${variantLine(defectVariant)}`);
  // The clean run first and alone: it writes the matrix column the others must not touch.
  await runAt(0, true);
  if (!opts.quick) {
    await pool(RUNS.map((_, i) => i).slice(1), JOBS, (i) => runAt(i, false));
    await runSweep(true);
  }
}
rmSync(scratch, { recursive: true, force: true });
if (problems.length) {
  console.error(`gateway check failed:\n- ${problems.join('\n- ')}`);
  process.exit(1);
}
