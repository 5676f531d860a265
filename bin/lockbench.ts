#!/usr/bin/env node
/**
 * `npx lockbench <command> [options]`: one entry for every lockbench command (DESIGN §14). The command's own
 * module runs in this process with the same arguments (no wrapper process), so `npx lockbench sim --help` and
 * `npm run sim -- --help` are the same program, and its signals (SIGTERM stops a world, DESIGN §8) and exit code
 * are the command's own. In the built package this is dist/bin/lockbench.js; here it runs through tsx. A command
 * whose file this build does not have (bench/ does not ship) says so instead of failing obscurely.
 */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { COMMANDS, commandModule } from './commands.ts';

function help(): string {
  const w = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return [
    'usage: lockbench <command> [options]      (lockbench <command> --help for its options)',
    '',
    'commands:',
    ...Object.entries(COMMANDS).map(([c, { about }]) => `  ${c.padEnd(w)}  ${about}${existsSync(commandModule(c)) ? '' : ' (not available in this build)'}`),
    '',
    'Settings are LOCKBENCH_* environment variables (README: Variables).',
  ].join('\n');
}

const [name, ...rest] = process.argv.slice(2);
if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
  process.stdout.write(`${help()}\n`);
  process.exit(name === undefined ? 2 : 0);
}
if (!Object.hasOwn(COMMANDS, name)) {
  process.stderr.write(`lockbench: unknown command "${name}"\n${help()}\n`);
  process.exit(2);
}
const file = commandModule(name);
if (!existsSync(file)) {
  process.stderr.write(`lockbench: "${name}" is not available in this build (${COMMANDS[name]!.file} is missing)\n`);
  process.exit(2);
}
// The command reads its arguments from process.argv.slice(2), as when it is run by itself.
process.argv = [process.argv[0]!, file, ...rest];
// `npx lockbench …` (or a team's npm script `lockbench sim`) runs this under `sh -c` from npm, which forwards
// SIGTERM/SIGINT to that shell only: the shell dies and this process is left orphaned with the world's ports
// (DESIGN §8: a signal stops a world). So when npm launched it, the launcher going away is the signal, and the
// command stops by its own handler.
if (process.env.npm_lifecycle_event !== undefined) {
  const launcher = process.ppid;
  const watch = setInterval(() => {
    if (process.ppid === launcher) return;
    clearInterval(watch);
    process.kill(process.pid, 'SIGTERM');
  }, 100).unref();
}
await import(pathToFileURL(file).href);
