/**
 * `lockbench record --target remote --out F [Playwright options]`: run the remote suite (or the part of it the
 * Playwright options select) against a cloud and keep every API exchange in a cassette
 * (docs/cli.md §8 "Record and replay"), to replay offline with `--target replay --cassette F`.
 */
import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isProfileName } from '../sim/protocol/index.ts';
import { parseSeed, SEED_MAX } from '../sim/random.ts';
import { printCassette, type Cassette } from '../harness/targets/replay/cassette.ts';
import { mergeRecordings } from '../harness/targets/replay/recordings.ts';
import { cli, type Cli } from './cli.ts';
import { commandModule } from './commands.ts';

const cmd = cli('lockbench record', {
  synopsis: 'lockbench record --target remote --out F [Playwright test options]',
  about: 'Run the remote suite against a cloud (LOCKBENCH_API_URL, LOCKBENCH_APP_ID, LOCKBENCH_APP_SECRET, LOCKBENCH_LOCK_ID)\nand write every API exchange to a cassette (docs/cli.md §8), replayed offline by\n`lockbench conformance --target replay --cassette F`. The cassette holds no secret, URL or wall-clock time:\nre-recording an unchanged cloud with the same LOCKBENCH_SEED gives the same bytes.',
  options: [
    ['--target T', 'what is recorded: remote (the only target a cassette stands in for); default remote'],
    ['--out F', 'the cassette file to write (required); written even when checks fail, as that is what the cloud answered'],
  ],
  more: [
    'Every other option goes to `lockbench conformance` and on to `playwright test` (--grep @SIGN-01 records a subset).',
    'LOCKBENCH_SEED: the run\'s seed, kept in the cassette (replay draws the same random bodies); default: picked and printed.',
    'LOCKBENCH_PROFILE: the API profile; default kexin-2017-03.',
    'exit code: that of the conformance run (0 every selected check passed, 1 a check failed, …; lockbench conformance --help); 2 bad arguments.',
  ],
});
cmd.helpIfAsked();
const fail: Cli['fail'] = cmd.fail;

const rest: string[] = [];
let target = 'remote';
let out: string | undefined;
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i]!;
  if (a === '--target' || a === '--out') {
    const v = argv[++i];
    if (v === undefined || v.startsWith('--')) fail(`${a} needs a value`);
    if (a === '--target') target = v;
    else out = v;
  } else if (a.startsWith('--target=')) target = a.slice('--target='.length);
  else if (a.startsWith('--out=')) out = a.slice('--out='.length);
  else rest.push(a);
}
if (target !== 'remote') fail(`--target must be remote (a cassette stands in for a cloud reached through its API), got "${target}"`);
if (!out) fail('--out F is required: the cassette file to write');

const env = process.env;
for (const name of ['LOCKBENCH_API_URL', 'LOCKBENCH_APP_ID', 'LOCKBENCH_APP_SECRET', 'LOCKBENCH_LOCK_ID']) {
  if (!env[name]) fail(`${name} is not set: --target remote needs LOCKBENCH_API_URL, LOCKBENCH_APP_ID, LOCKBENCH_APP_SECRET, LOCKBENCH_LOCK_ID (README: Variables)`, 3);
}
const lockId = Number(env.LOCKBENCH_LOCK_ID);
if (!Number.isInteger(lockId) || lockId < 1) fail(`LOCKBENCH_LOCK_ID must be a lock id (a positive integer), got "${env.LOCKBENCH_LOCK_ID}"`);
const profile = env.LOCKBENCH_PROFILE ?? 'kexin-2017-03';
if (!isProfileName(profile)) fail(`LOCKBENCH_PROFILE must be kexin-2017-03 or kexin-2017-10, got "${profile}"`);
const parsedSeed = parseSeed(env.LOCKBENCH_SEED);
if (!parsedSeed.ok) fail(parsedSeed.error);
// STYLE §2: the seed is fixed here, not in the run, so the cassette can name it.
const seed = parsedSeed.seed ?? randomInt(0, SEED_MAX);

const dir = mkdtempSync(join(tmpdir(), 'lockbench-record-'));
let status: number;
let cassette: Cassette;
try {
  const conformance = commandModule('conformance');
  const run = spawnSync(process.execPath, [...(conformance.endsWith('.ts') ? ['--import', 'tsx'] : []), conformance, '--target', 'remote', ...rest], {
    stdio: 'inherit',
    env: { ...env, LOCKBENCH_SEED: String(seed), LOCKBENCH_PROFILE: profile, LOCKBENCH_RECORD: dir },
  });
  status = run.status ?? 1;
  cassette = mergeRecordings(dir, { profile, seed, app_id: env.LOCKBENCH_APP_ID!, lock_id: lockId });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const tests = Object.keys(cassette.tests).length;
if (tests === 0) fail(`no test sent a request (the run exited with ${status}): nothing to record`, status || 1);
try {
  writeFileSync(out, printCassette(cassette));
} catch (e) {
  fail(`--out ${out}: ${(e as Error).message}`, 1);
}
const exchanges = Object.values(cassette.tests).reduce((n, xs) => n + xs.length, 0);
cmd.log(`${exchanges} exchanges of ${tests} tests written to ${out} (seed ${seed}; replay: lockbench conformance --target replay --cassette ${out})`);
process.exit(status);
