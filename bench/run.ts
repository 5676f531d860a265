/**
 * `npm run bench [-- --quick] [--out FILE] [--only a,b] [--compare OLD.json] [--fleet-shards]`: the benchmarks
 * (figures `remote open p50/p99`, `remote open throughput`, `fleet …`, `conformance suite …`), each beside a
 * raw baseline measured in the same run; prints a table, marks each target met or not, and writes
 * `reports/bench.json`. `--fleet-shards` adds the DESIGN §13 fleet on Mosquitto (100k locks as 4 shards;
 * several minutes), off by default. `--soak [--seconds T] [--clients N]` runs only the soak and fault campaign
 * (bench/soak.ts) and writes its figures under the key `soak` of the same file.
 */
import { parseArgs } from 'node:util';
import { runSoak } from './soak-cli.ts';
import { newReport, table, writeReport } from './report.ts';
import { roundTrip, type Section } from './round-trip.ts';
import { throughput } from './throughput.ts';
import { fleetScale } from './fleet-scale.ts';
import { fleetShards } from './fleet-shards.ts';
import { cloudLocks } from './cloud-locks.ts';
import { gatewaySession } from './gateway-session.ts';
import { suite } from './suite.ts';
import { profileSection } from './profile.ts';
import { compare, compareTable, CompareError, readReport } from './compare.ts';
import { result } from './stats.ts';

const SECTIONS: Record<string, (quick: boolean) => Promise<Section>> = {
  'round-trip': roundTrip,
  throughput,
  'fleet-scale': fleetScale,
  'cloud-locks': cloudLocks,
  'gateway-session': gatewaySession,
  suite,
  profile: profileSection,
};

const HELP = `usage: npm run bench -- [options]

Runs each benchmark section beside a baseline measured in the same run, prints a table with each
target met or not, and writes a JSON report.

  --quick            the CI smoke run: small counts, no suite or profile section (default: off)
  --out FILE         where the JSON report goes (default: reports/bench.json)
  --only A,B         run only these sections, comma-separated: ${Object.keys(SECTIONS).join(', ')}
                     (default: all)
  --fleet-shards     also run the docs/past-one-machine.md §13 fleet on Mosquitto: 100k locks as 4 shards (more
                     when the open-file limit wants), several minutes (default: off; section fleet-shards)
  --locks L          locks of the --fleet-shards fleet (1…1000000; default 100000, 10000 with --quick)
  --gateways G       gateways of the --fleet-shards fleet (1…100000; default 10000, 1000 with --quick)
  --compare OLD      also print each figure against OLD (an earlier bench.json): before, after,
                     after/before and the target met before → after
  --soak             only the soak and fault campaign (bench/soak.ts); figures under "soak" in --out
  --seconds T        soak duration in seconds (default: 20, 1…3600)
  --clients N        concurrent soak API clients (default: 8, 1…256)
  --help             this text
`;

/** A bad command line: one line naming the flag, no stack trace. */
function usageError(message: string): never {
  process.stderr.write(`bench: ${message}\n(npm run bench -- --help lists the options)\n`);
  process.exit(2);
}

/** A count flag: undefined when absent, else an integer 1…max or a usage error naming the flag. */
function countFlag(v: string | undefined, flag: string, max: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 1 || n > max) usageError(`${flag} must be an integer 1…${max}, got "${v}"`);
  return n;
}

interface Options {
  quick: boolean; out: string; only: string[] | undefined; compare: string | undefined; sections: typeof SECTIONS;
  /** `--soak`: run only the soak campaign, with its raw `--seconds` and `--clients` (checked by soak-cli.ts). */
  soak: { seconds: string | undefined; clients: string | undefined } | undefined;
}

function options(): Options {
  let values;
  try {
    ({ values } = parseArgs({
      strict: true,
      allowPositionals: false,
      options: {
        quick: { type: 'boolean', default: false },
        out: { type: 'string', default: 'reports/bench.json' },
        only: { type: 'string' },
        compare: { type: 'string' },
        'fleet-shards': { type: 'boolean', default: false }, locks: { type: 'string' }, gateways: { type: 'string' },
        help: { type: 'boolean', default: false },
        soak: { type: 'boolean', default: false }, seconds: { type: 'string' }, clients: { type: 'string' },
      },
    }));
  } catch (e) {
    usageError((e as Error).message);
  }
  if (values.help) {
    process.stdout.write(HELP);
    process.exit(0);
  }
  if (!values['fleet-shards'] && (values.locks !== undefined || values.gateways !== undefined)) usageError('--locks and --gateways size the --fleet-shards fleet: add --fleet-shards');
  const size = { locks: countFlag(values.locks, '--locks', 1_000_000), gateways: countFlag(values.gateways, '--gateways', 100_000) };
  const sections = { ...SECTIONS, ...(values['fleet-shards'] ? { 'fleet-shards': fleetShards(size) } : {}) };
  const only = values.only?.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = only?.filter((s) => !(s in sections)) ?? [];
  if (unknown.length > 0) usageError(`--only: unknown section ${unknown.map((s) => `"${s}"`).join(', ')} (sections: ${Object.keys(sections).join(', ')})`);
  const soak = values.soak ? { seconds: values.seconds, clients: values.clients } : undefined;
  return { quick: values.quick ?? false, out: values.out ?? 'reports/bench.json', only, compare: values.compare, sections, soak };
}

async function main(): Promise<void> {
  const opts = options();
  if (opts.soak) return runSoak(opts.out, opts.soak.seconds, opts.soak.clients);
  // Read the old report first: a bad --compare file stops the run before minutes of measuring.
  const old = opts.compare === undefined ? undefined : await readReport(opts.compare).catch((e: unknown) => {
    if (e instanceof CompareError) usageError(e.message);
    throw e;
  });
  const report = newReport(opts.quick);
  for (const [name, section] of Object.entries(opts.sections)) {
    if (opts.only && !opts.only.includes(name)) continue;
    const t0 = performance.now();
    process.stderr.write(`bench: ${name}…\n`);
    try {
      const s = await section(opts.quick);
      report.results.push(...s.results);
      report.notes.push(...s.notes);
    } catch (e) {
      // A section that fails is reported, not fatal: the others still measure.
      report.notes.push(`${name}: failed: ${(e as Error).stack ?? String(e)}`);
    }
    report.results.push(result(`section ${name} wall time`, (performance.now() - t0) / 1000, 's'));
    await writeReport(opts.out, report);
  }
  await writeReport(opts.out, report);
  process.stdout.write(`${table(report.results)}\n\n${report.notes.map((n) => `- ${n}`).join('\n')}\n\nwritten ${opts.out}\n`);
  if (old) process.stdout.write(`\ncompared with ${opts.compare}:\n${compareTable(compare(old.results, report.results))}\n`);
}


await main().catch((e: unknown) => {
  process.stderr.write(`bench: ${(e as Error).message}\n`);
  process.exit(2);
});
