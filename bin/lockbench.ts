#!/usr/bin/env -S node --import tsx
/**
 * `npx lockbench <command> [options]`: one entry for every lockbench command (DESIGN §14). Each
 * command is its own `bin/*.ts` (or `bench/run.ts`) run as a child process with the same
 * arguments, so `npx lockbench sim --help` and `npm run sim -- --help` are the same program. A
 * command whose file this build does not have says so instead of failing obscurely.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Subcommand → its file when no npm script of that name says otherwise (relative to the package root), and what it does. */
export const COMMANDS: Record<string, { file: string; about: string }> = {
  sim: { file: 'bin/sim.ts', about: 'start a simulated world and print its URLs (DESIGN §8)' },
  conformance: { file: 'bin/conformance.ts', about: 'run the conformance suite against a target and write reports/' },
  'serial-lock': { file: 'bin/serial-lock.ts', about: 'a virtual lock speaking lockwire on a serial port (DESIGN §6)' },
  bridge: { file: 'bin/bridge.ts', about: 'the lab bridge: a gateway whose radio is a serial port (DESIGN §6)' },
  gateway: { file: 'bin/gateway.ts', about: 'a virtual gateway as a separate process (DESIGN §12)' },
  fleet: { file: 'bin/fleet.ts', about: 'one shard of virtual gateways and locks against any broker (DESIGN §13)' },
  'broker-config': { file: 'bin/broker-config.ts', about: 'write a Mosquitto configuration from a fixture (DESIGN §13)' },
  'report:merge': { file: 'bin/report-merge.ts', about: 'merge shard blob reports into one HTML report, JUnit and matrix (DESIGN §13)' },
  defects: { file: 'bin/defects.ts', about: 'run the seeded-defect kill matrix (reports/defects.{html,json})' },
  bench: { file: 'bench/run.ts', about: 'run the benchmarks (reports/bench.json)' },
};

/** The file the npm script of the same name runs (`"sim": "tsx bin/sim.ts"`), so both entries stay one program. */
function fileOf(name: string): string {
  try {
    const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts?: Record<string, string> }).scripts ?? {};
    const m = /^tsx (\S+\.ts)$/.exec(scripts[name] ?? '');
    if (m) return m[1]!;
  } catch {
    // No readable package.json: the table's own file stands.
  }
  return COMMANDS[name]!.file;
}

function help(): string {
  const w = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return [
    'usage: lockbench <command> [options]      (lockbench <command> --help for its options)',
    '',
    'commands:',
    ...Object.entries(COMMANDS).map(([c, { about }]) => `  ${c.padEnd(w)}  ${about}${existsSync(join(root, fileOf(c))) ? '' : ' (not available in this build)'}`),
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
const file = join(root, fileOf(name));
if (!existsSync(file)) {
  process.stderr.write(`lockbench: "${name}" is not available in this build (${fileOf(name)} is missing)\n`);
  process.exit(2);
}
// The child's working directory is the caller's (fixtures and reports are relative to it); tsx is
// resolved from this package, not from the caller's directory.
const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), file, ...rest], { stdio: 'inherit' });
process.exit(r.status ?? 1);
