/** Every command answers --help and names a bad flag; `lockbench` reaches them all; --list writes no report (DESIGN §14). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { helpText, playwrightConfigArgs, wantsHelp } from './cli.ts';
import { COMMANDS, commandModule, fileOf } from './commands.ts';
import { stopBySignal } from './processes.test-kit.ts';

const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'bin/lockbench.ts', ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env } });

test('helpText lists every option and --help; wantsHelp stops at --', () => {
  const t = helpText({ synopsis: 'x [--a N]', about: 'does x', options: [['--a N', 'a count; default 1']] });
  assert.match(t, /^usage: x \[--a N\]\n\ndoes x\n\noptions:\n {2}--a N {3}a count; default 1\n {2}--help {2}print this help and exit$/);
  assert.equal(wantsHelp(['--x', '-h']), true);
  assert.equal(wantsHelp(['--', '--help']), false);
});

test('lockbench --help lists every command; each present one answers --help with exit 0', () => {
  const top = run(['--help']);
  assert.equal(top.status, 0);
  for (const name of Object.keys(COMMANDS)) assert.match(top.stdout, new RegExp(`^  ${name.replace(':', '\\:')} `, 'm'));
  for (const name of Object.keys(COMMANDS)) {
    if (!existsSync(fileOf('.', name))) {
      const r = run([name]);
      assert.equal(r.status, 2);
      assert.match(r.stderr, /not available in this build/);
      continue;
    }
    const r = run([name, '--help']);
    assert.equal(r.status, 0, `${name} --help: ${r.stderr}`);
    assert.match(r.stdout, /^usage: /i, name);
  }
});

test('a bad flag or command is named, with exit 2', () => {
  const flag = run(['sim', '--no-such-flag']);
  assert.equal(flag.status, 2);
  assert.match(flag.stderr, /Unknown option '--no-such-flag'/);
  const cmd = run(['no-such-command']);
  assert.equal(cmd.status, 2);
  assert.match(cmd.stderr, /unknown command "no-such-command"/);
});

test('conformance --list lists the tests and leaves the reports byte-identical', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lockbench-list-'));
  try {
    writeFileSync(join(dir, 'junit.xml'), '<testsuites tests="250"/>');
    const before = readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
    const r = run(['conformance', '--list'], { LOCKBENCH_REPORTS: dir, LOCKBENCH_MATRIX_DIR: dir });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Total: \d+ tests in \d+ files/);
    assert.deepEqual(readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort(), before);
    assert.equal(readFileSync(join(dir, 'junit.xml'), 'utf8'), '<testsuites tests="250"/>');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('lockbench runs the command in its own process: no child, SIGTERM to it stops the world with exit 0 (DESIGN §8)', { timeout: 60_000 }, async () => {
  const r = await stopBySignal(spawn(process.execPath, ['--import', 'tsx', 'bin/lockbench.ts', 'sim', '--time', 'frozen'], { stdio: ['ignore', 'pipe', 'pipe'] }), 'SIGTERM');
  assert.deepEqual(r.tree, [], 'no wrapper child: the world is in the process the signal went to');
  assert.equal(r.code, 0);
  assert.match(r.ready, /^\{"api":"http:/);
});

test('each command is the module the npm script of its name runs, resolved against the package', () => {
  assert.equal(commandModule('sim'), resolve('bin/sim.ts'));
  assert.equal(commandModule('conformance'), resolve(fileOf('.', 'conformance')));
  assert.equal(commandModule('bench'), resolve('bench/run.ts'));
});

test('Playwright gets the package\'s config only when neither argv nor the working directory names one', () => {
  const empty = mkdtempSync(join(tmpdir(), 'lockbench-cwd-'));
  try {
    assert.deepEqual(playwrightConfigArgs([], empty), ['--config', resolve('playwright.config.ts')]);
    assert.deepEqual(playwrightConfigArgs(['-c', 'x.ts'], empty), []);
    assert.deepEqual(playwrightConfigArgs(['--config=x.ts'], empty), []);
    writeFileSync(join(empty, 'playwright.config.mjs'), 'export default {};\n');
    assert.deepEqual(playwrightConfigArgs([], empty), [], 'the team\'s own config');
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});
