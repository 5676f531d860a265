/** The subcommands of `lockbench` (DESIGN §14) and the module each runs. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Subcommand → its file when no npm script of that name says otherwise (relative to the package root), and what it does. */
export const COMMANDS: Record<string, { file: string; about: string }> = {
  sim: { file: 'bin/sim.ts', about: 'start a simulated world and print its URLs (docs/cli.md §8)' },
  conformance: { file: 'bin/conformance.ts', about: 'run the conformance suite against a target and write reports/' },
  'serial-lock': { file: 'bin/serial-lock.ts', about: 'a virtual lock speaking lockwire on a serial port (docs/lockwire.md §6)' },
  bridge: { file: 'bin/bridge.ts', about: 'the lab bridge: a gateway whose radio is a serial port (docs/lockwire.md §6)' },
  gateway: { file: 'bin/gateway.ts', about: 'a virtual gateway as a separate process (docs/gateway-target.md §12)' },
  fleet: { file: 'bin/fleet.ts', about: 'one shard of virtual gateways and locks against any broker (docs/cli.md §8)' },
  'broker-config': { file: 'bin/broker-config.ts', about: 'write a Mosquitto configuration from a fixture (docs/cli.md §8)' },
  'report:merge': { file: 'bin/report-merge.ts', about: 'merge shard blob reports into one HTML report, JUnit and matrix (docs/cli.md §8)' },
  defects: { file: 'bin/defects.ts', about: 'run the seeded-defect kill matrix (reports/defects.{html,json})' },
  bench: { file: 'bench/run.ts', about: 'run the benchmarks (reports/bench.json)' },
  call: { file: 'bin/call.ts', about: 'send (or print as curl) one correctly signed API request (docs/algorithms.md §5.1)' },
  record: { file: 'bin/record.ts', about: 'record the remote suite\'s API exchanges with a cloud into a cassette (docs/cli.md §8)' },
  cassette: { file: 'bin/cassette.ts', about: 'cassette diff A B: what changed between two recordings of a cloud (docs/cli.md §8)' },
  openapi: { file: 'bin/openapi.ts', about: 'write the OpenAPI 3.1 document of an API profile (docs/http-api.md §3)' },
  doctor: { file: 'bin/doctor.ts', about: 'check what a lab bench needs (node, socat, mosquitto, serial port, bench file) and how to fix it' },
};

/** The file the npm script of the same name runs (`"sim": "tsx bin/sim.ts"`), so both entries stay one program. */
export function fileOf(root: string, name: string): string {
  try {
    const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts?: Record<string, string> }).scripts ?? {};
    const m = /^tsx (\S+\.ts)$/.exec(scripts[name] ?? '');
    if (m) return m[1]!;
  } catch {
    // No readable package.json: the table's own file stands.
  }
  return COMMANDS[name]!.file;
}

/**
 * Where the module of command `name` is: the source file in this repository (run through tsx), or its
 * compiled `.js` in dist/ of the built package, whose package.json is one folder up (`npm run build`).
 */
export function commandModule(name: string): string {
  const built = import.meta.url.endsWith('.js');
  const here = fileURLToPath(new URL('..', import.meta.url));
  const file = fileOf(built ? join(here, '..') : here, name);
  return join(here, built ? file.replace(/\.ts$/, '.js') : file);
}
