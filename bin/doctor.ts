/** `lockbench doctor [--bench FILE] [--place NAME] [--env-file FILE]`: check what a bench needs, and how to fix each gap. */
import { EXIT } from '../harness/report/run-outcome.ts';
import { BENCH_FLAGS } from './bench-env.ts';
import { cli } from './cli.ts';
import { diagnose, realHost, type Finding } from './doctor-checks.ts';

const cmd = cli('lockbench doctor', {
  synopsis: 'lockbench doctor [--bench FILE] [--place NAME] [--env-file FILE]',
  about: `Check a lab host for a bench (docs/lab.md §11, docs/gateway-target.md §12, docs/past-one-machine.md §13) and say how to fix each gap: the bench file, Node (20 or
later, 22/24 recommended), socat, mosquitto and its dynamic-security plugin, chromium, the place's serial port
(there, a serial device, openable: the dialout group) and the gateway broker's port (free).`,
  options: BENCH_FLAGS,
  more: ['exit codes: 0 no gap (notes may remain), 2 usage, 3 a gap (the bench is not ready)'],
});
cmd.helpIfAsked();
// Only the bench flags (each `--flag V` or `--flag=V`); anything else is a usage error before any check runs.
const names = BENCH_FLAGS.map(([f]) => f.split(' ')[0]!);
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i]!;
  if (names.includes(a)) i++;
  else if (!names.some((n) => a.startsWith(`${n}=`))) cmd.fail(`unknown argument "${a}" (see --help)`, EXIT.usage);
}

const MARK: Record<Finding['status'], string> = { ok: 'ok  ', note: 'note', gap: 'GAP ', skip: '--  ' };
const findings = await diagnose(realHost());
const w = Math.max(...findings.map((f) => f.check.length));
for (const f of findings) {
  process.stdout.write(`${MARK[f.status]}  ${f.check.padEnd(w)}  ${f.detail}\n`);
  if (f.fix && f.status !== 'ok') process.stdout.write(`${''.padEnd(6 + w)}  fix: ${f.fix}\n`);
}
const gaps = findings.filter((f) => f.status === 'gap').length;
process.stdout.write(gaps === 0 ? 'doctor: the bench is ready\n' : `doctor: ${gaps} gap${gaps === 1 ? '' : 's'} to fix\n`);
process.exit(gaps === 0 ? EXIT.pass : EXIT.bench);
