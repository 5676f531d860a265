/** Every command answers --help and names a bad flag; `lockbench` reaches them all; --list writes no report (DESIGN §14). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { helpText, wantsHelp } from './cli.ts';
import { COMMANDS, fileOf } from './commands.ts';

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
