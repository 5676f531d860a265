/** `npm run conformance -- [--target sim|remote|lab|gateway|replay] [Playwright options]`: run the specs and write reports/. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT, exitCodeOf, readSeen, readStop } from '../harness/report/run-outcome.ts';
import { publishStaged } from '../harness/report/publish.ts';
import { parseBrokerUrl } from '../sim/world/broker-url.ts';
import { playwrightCli } from '../harness/report/playwright-cli.ts';
import { cli, playwrightConfigArgs } from './cli.ts';
import { BENCH_FLAGS, benchOrExit } from './bench-env.ts';
import { StationHub } from '../harness/station/hub.ts';
import { stationWanted } from '../harness/station/station-wanted.ts';
import { readCassette } from '../harness/targets/replay/session.ts';
import type { Cassette } from '../harness/targets/replay/cassette.ts';

const TARGETS = ['sim', 'remote', 'lab', 'gateway', 'replay'];
const cmd = cli('lockbench conformance', {
  synopsis: 'lockbench conformance [--target sim|remote|lab|gateway|replay [--cassette F]] [Playwright test options]',
  about: 'Run the conformance specs (docs/cli.md §8, docs/architecture.md §9) and write reports/: html/, junit.xml, results.json, conformance.{html,json}.\nEvery other option goes to `playwright test` (--grep @PWD-05, --project, --workers N, --list, …); --list writes no report.',
  options: [
    ['--target T', `what the specs run against: ${TARGETS.join(', ')}; default $LOCKBENCH_TARGET, else sim`],
    ['--cassette F', 'with --target replay: the cassette `lockbench record` wrote, replayed offline with its seed (docs/cli.md §8); default $LOCKBENCH_CASSETTE'],
    ['--station [PORT]', 'serve the live station page (docs/evidence.md §14): the test running, its checks and waits, the device, the wire timeline; its URL printed first. PORT default: a free one. Default on for lab and gateway when stdout is a terminal and CI is unset'],
    ['--station-host H', 'the address the station page listens on; default 127.0.0.1 (loopback only). Give 0.0.0.0 to reach it from another machine: it shows no secret, but anyone on the network can watch the run'],
    ['--no-station', 'no station page, even on lab or gateway at a terminal'],
    ['--operator', 'a person is at the bench: checks that need a hand (LAB-04 without bench control, GWP-05 by power on the gateway target) show an instruction with a "done" button on the station page; without it they skip with that reason'],
    ...BENCH_FLAGS,
  ],
  more: [
    'Settings of each target are environment variables (README: Variables) or a bench file\'s place (docs/bench-file.md);',
    'a missing one stops the run before any test.',
    'reports/ changes only once a test began; cells a partial run (--grep, --project) did not select keep their earlier result.',
    'Playwright\'s own options: npx playwright test --help',
    '',
    'exit codes:',
    '  0  every selected check passed',
    '  1  the device or cloud failed a check (or could not be settled)',
    '  2  usage: a bad flag, a bad fixture, an unknown defect name, LOCKBENCH_DEFECTS on a target that cannot seed them',
    '  3  bench not ready: a missing setting, an absent port, a mute device, a gateway that never connected, a broker that did not start',
    '  4  aborted: SIGINT or SIGTERM (Ctrl-C, a CI timeout) stopped the run; reports/ and the matrix hold the tests before it, marked "aborted at test N" (docs/evidence.md §14)',
  ],
});
cmd.helpIfAsked(process.argv.slice(2));
// The bench file becomes the variables below before anything reads them; a bad one stops here (exit 2).
const args = benchOrExit('lockbench conformance').argv;
let target = process.env.LOCKBENCH_TARGET ?? 'sim';
const rest: string[] = [];
let station: boolean | undefined;
let stationPort = 0;
let stationHost = '127.0.0.1';
let operator = false;
for (let i = 0; i < args.length; i++) {
  const a = args[i]!;
  if (a === '--target') target = args[++i] ?? '';
  else if (a.startsWith('--target=')) target = a.slice('--target='.length);
  else if (a === '--station' || a.startsWith('--station=')) {
    station = true;
    const given = a.includes('=') ? a.slice('--station='.length) : /^\d+$/.test(args[i + 1] ?? '') ? args[++i]! : undefined;
    if (given !== undefined) stationPort = /^\d+$/.test(given) && Number(given) <= 65535 ? Number(given) : cmd.fail(`--station PORT must be a port number 0…65535, got "${given}"`, EXIT.usage);
  } else if (a === '--no-station') station = false;
  else if (a === '--station-host' || a.startsWith('--station-host=')) {
    stationHost = a.includes('=') ? a.slice('--station-host='.length) : args[++i] ?? '';
    if (!stationHost) cmd.fail('--station-host needs an address (127.0.0.1, ::1, 0.0.0.0, …)', EXIT.usage);
  } else if (a === '--operator') operator = true;
  else if (a === '--cassette' || a.startsWith('--cassette=')) {
    const path = a.includes('=') ? a.slice('--cassette='.length) : args[++i] ?? '';
    if (!path) cmd.fail('--cassette needs a file (written by lockbench record)', EXIT.usage);
    process.env.LOCKBENCH_CASSETTE = path;
  } else rest.push(a);
}
if (!TARGETS.includes(target)) cmd.fail(`--target must be ${TARGETS.join(', ')}, got "${target}"`, EXIT.usage);
if (target === 'replay') {
  // The replayed specs draw what the recorded ones drew (ENV-05's random bodies): the cassette's seed is the run's.
  const cassette = ((): Cassette => {
    try {
      return readCassette(process.env.LOCKBENCH_CASSETTE);
    } catch (e) {
      return cmd.fail((e as Error).message, EXIT.usage);
    }
  })();
  process.env.LOCKBENCH_SEED ||= String(cassette.seed);
  process.env.LOCKBENCH_PROFILE ||= cassette.profile;
}
// DESIGN §9: only the simulator's worlds take seeded defects; a clean run under a defect's name would lie.
if (target !== 'sim' && (process.env.LOCKBENCH_DEFECTS ?? '').trim()) {
  cmd.fail(`LOCKBENCH_DEFECTS="${process.env.LOCKBENCH_DEFECTS}" seeds defects into simulated worlds; --target ${target} cannot seed them (unset it, or run --target sim)`, EXIT.usage);
}
// DESIGN §13: a bad external broker URL stops the run once, up front, not once per test.
const mqttUrl = process.env.LOCKBENCH_MQTT_URL;
if (mqttUrl) {
  const parsed = parseBrokerUrl(mqttUrl);
  if (!parsed.ok) {
    process.stderr.write(`lockbench conformance: LOCKBENCH_MQTT_URL ${parsed.error}\n`);
    process.exit(EXIT.usage);
  }
  const u = new URL(parsed.value.url);
  const reachable = await new Promise<boolean>((resolve) => {
    const c = connect({ host: u.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(u.port || 1883), timeout: 2000 }, () => { c.destroy(); resolve(true); });
    c.on('error', () => resolve(false)).on('timeout', () => { c.destroy(); resolve(false); });
  });
  if (!reachable) {
    process.stderr.write(`lockbench conformance: LOCKBENCH_MQTT_URL: no broker answers at ${parsed.value.url}\n`);
    process.exit(EXIT.bench);
  }
  if (target !== 'sim') process.stderr.write(`lockbench conformance: LOCKBENCH_MQTT_URL is for the sim target; ignored on ${target}\n`);
}
// DESIGN §11: one port, one worker. The config forces it; a --workers given here would override the config.
const isWorkers = (a: string): boolean => a === '--workers' || a === '-j';
const playwrightArgs = target !== 'lab' ? rest : rest.filter((a, i) => !isWorkers(a) && !a.startsWith('--workers=') && !(i > 0 && isWorkers(rest[i - 1]!)));
// DESIGN §14: the run writes into a staging folder, moved into reports/ only once a test began.
const reportsDir = process.env.LOCKBENCH_REPORTS ?? 'reports';
const matrixDir = process.env.LOCKBENCH_MATRIX_DIR ?? 'reports';
const staging = mkdtempSync(join(tmpdir(), 'lockbench-run-'));
// A person at a bench watches lab and gateway runs; CI and pipes get no page unless asked.
const stationOn = stationWanted({ station, operator, target, isTTY: !!process.stdout.isTTY, ci: process.env.CI });
if (operator && station === false) cmd.fail('--operator needs the station page for its "done" buttons; drop --no-station', EXIT.usage);
let code: number;
let hub: StationHub | undefined;
try {
  if (stationOn) {
    hub = await StationHub.start({ dir: join(staging, 'station'), host: stationHost, port: stationPort }).catch((e: Error) => cmd.fail(`--station: cannot listen on ${stationHost}:${stationPort}: ${e.message}`, EXIT.usage));
    process.stdout.write(`lockbench station: ${hub.url}\n`);
    if (!/^(127\.|::1$|localhost$)/.test(stationHost)) process.stderr.write(`lockbench station: listening on ${stationHost}: machines that reach it can watch the run (no secret is shown)\n`);
    // At a terminal, Enter answers "done" to the oldest prompt (the page's button does the same).
    if (operator && process.stdin.isTTY) createInterface({ input: process.stdin }).on('line', () => hub?.answerOldest());
  }
  const child = spawn(process.execPath, [playwrightCli(), 'test', ...playwrightConfigArgs(playwrightArgs), ...playwrightArgs], {
    stdio: [operator && process.stdin.isTTY ? 'ignore' : 'inherit', 'inherit', 'inherit'],
    env: {
      ...process.env, LOCKBENCH_TARGET: target, LOCKBENCH_RUN_DIR: staging,
      LOCKBENCH_REPORTS: staging, LOCKBENCH_MATRIX_DIR: staging, LOCKBENCH_MATRIX_PREVIOUS: matrixDir,
      LOCKBENCH_STATION_DIR: hub ? join(staging, 'station') : '', LOCKBENCH_OPERATOR: operator ? '1' : '',
    },
  });
  // DESIGN §14: a killed run keeps its evidence. Playwright ends a run gracefully (its reporters' onEnd) on
  // SIGINT only, so SIGTERM (a CI timeout) is passed on as SIGINT; a Ctrl-C the runner already got from the
  // terminal is passed on too (Playwright ignores a second SIGINT within a second; a later one stops it hard).
  let signalled: NodeJS.Signals | undefined;
  const forward = (signal: NodeJS.Signals): void => {
    signalled = signal;
    child.kill('SIGINT');
  };
  process.on('SIGINT', forward).on('SIGTERM', forward);
  const [status, killedBy] = await once(child, 'exit') as [number | null, NodeJS.Signals | null];
  const seen = readSeen(staging);
  const stop = readStop(staging);
  code = exitCodeOf(status, stop, seen);
  // A runner killed outright (SIGKILL, the OOM killer) is an aborted run too: this process outlives it, and
  // publishes the matrix its reporter wrote as tests ended ("aborted at test N", at most a second old).
  const aborted = signalled ?? killedBy ?? undefined;
  if (aborted && !stop) code = EXIT.aborted;
  if (killedBy && !signalled) process.stderr.write(`lockbench conformance: the Playwright runner was killed (${killedBy}); exit 4 (aborted)\n`);
  if (seen && seen.testsBegun > 0) publishStaged(staging, reportsDir, matrixDir);
  else if (aborted) process.stderr.write(`lockbench conformance: ${aborted} before any test ended; ${reportsDir}/ is unchanged (exit ${code})\n`);
  else if (!stop && code === EXIT.usage) process.stderr.write(`lockbench conformance: no test began (Playwright exited ${status}: a flag or the config was refused, or nothing matched); ${reportsDir}/ is unchanged (exit 2)\n`);
  else if (stop) process.stderr.write(`lockbench conformance: ${reportsDir}/ is unchanged (exit ${code})\n`);
} finally {
  await hub?.close();
  rmSync(staging, { recursive: true, force: true });
}
process.exit(code);
