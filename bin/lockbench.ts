#!/usr/bin/env -S node --import tsx
/**
 * `npx lockbench <command> [options]`: one entry for every lockbench command (DESIGN §14). Each
 * command is its own `bin/*.ts` (or `bench/run.ts`) run as a child process with the same
 * arguments, so `npx lockbench sim --help` and `npm run sim -- --help` are the same program. A
 * command whose file this build does not have says so instead of failing obscurely.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { COMMANDS, fileOf } from './commands.ts';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function help(): string {
  const w = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return [
    'usage: lockbench <command> [options]      (lockbench <command> --help for its options)',
    '',
    'commands:',
    ...Object.entries(COMMANDS).map(([c, { about }]) => `  ${c.padEnd(w)}  ${about}${existsSync(join(root, fileOf(root, c))) ? '' : ' (not available in this build)'}`),
    '',
    'Settings are LOCKBENCH_* environment variables (README: Variables).',
  ].join('\n');
}

const [name, ...rest] = process.argv.slice(2);
if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
  process.stdout.write(`${help()}\n`);
  process.exit(name === undefined ? 2 : 0);
}
const command = COMMANDS[name];
if (!command) {
  process.stderr.write(`lockbench: unknown command "${name}"\n${help()}\n`);
  process.exit(2);
}
const file = join(root, fileOf(root, name));
if (!existsSync(file)) {
  process.stderr.write(`lockbench: "${name}" is not available in this build (${fileOf(root, name)} is missing)\n`);
  process.exit(2);
}
// The child's working directory is the caller's (fixtures and reports are relative to it); tsx is
// resolved from this package, not from the caller's directory.
const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), file, ...rest], { stdio: 'inherit' });
process.exit(r.status ?? 1);
