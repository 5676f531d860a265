/** `lockbench doctor [--bench FILE] [--place NAME] [--env-file FILE]`: check what a bench needs, and how to fix each gap. */
import { EXIT } from '../harness/report/run-outcome.ts';
import { BENCH_FLAGS } from './bench-env.ts';
import { cli } from './cli.ts';
import { diagnose, realHost, type Finding } from './doctor-checks.ts';

const cmd = cli('lockbench doctor', {
  synopsis: 'lockbench doctor [--bench FILE] [--place NAME] [--env-file FILE]',
  about: `Check a lab host for a bench (DESIGN §11–§13) and say how to fix each gap: the bench file, Node (20 or
later, 22/24 recommended), socat, mosquitto and its dynamic-security plugin, chromium, the place's serial port
(there, a serial device, openable: the dialout group) and the gateway broker's port (free).`,
  options: BENCH_FLAGS,
  more: ['exit codes: 0 no gap (notes may remain), 2 usage, 3 a gap (the bench is not ready)'],
});
cmd.helpIfAsked();
const unknown = process.argv.slice(2).filter((a) => a.startsWith('--') && !BENCH_FLAGS.some(([f]) => a === f.split(' ')[0] || a.startsWith(`${f.split(' ')[0]}=`)));
if (unknown.length > 0) cmd.fail(`unknown option ${unknown[0]} (see --help)`, EXIT.usage);

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
