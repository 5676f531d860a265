/**
 * `npm run bench [-- --quick] [--out FILE] [--only a,b] [--fleet-shards]`: the benchmarks of issue 6, each beside a
 * raw baseline measured in the same run; prints a table and writes `reports/bench.json`. `--fleet-shards`
 * adds the DESIGN §13 fleet on Mosquitto (100k locks as 4 shards; several minutes), off by default.
  * `--soak [--seconds T] [--clients N]` runs only the soak and fault campaign (bench/soak.ts) and
  * writes its figures under the key `soak` of the same file.
 */
import { parseArgs } from 'node:util';
import { runSoak } from './soak-cli.ts';
import { newReport, table, writeReport } from './report.ts';
import { roundTrip, type Section } from './round-trip.ts';
import { throughput } from './throughput.ts';
import { fleetScale } from './fleet-scale.ts';
import { fleetShards } from './fleet-shards.ts';
import { suite } from './suite.ts';
import { profileSection } from './profile.ts';
import { result } from './stats.ts';

const SECTIONS: Record<string, (quick: boolean) => Promise<Section>> = {
  'round-trip': roundTrip,
  throughput,
  'fleet-scale': fleetScale,
  suite,
  profile: profileSection,
};

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false }, out: { type: 'string', default: 'reports/bench.json' }, only: { type: 'string' },
      'fleet-shards': { type: 'boolean', default: false },
      soak: { type: 'boolean', default: false }, seconds: { type: 'string' }, clients: { type: 'string' }, help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return void process.stdout.write(HELP);
  if (values.soak) return runSoak(values.out!, values.seconds, values.clients);
  const quick = values.quick ?? false;
  const only = values.only?.split(',').map((s) => s.trim()).filter(Boolean);
  const report = newReport(quick);
  const sections = { ...SECTIONS, ...(values['fleet-shards'] ? { 'fleet-shards': fleetShards } : {}) };
  for (const [name, section] of Object.entries(sections)) {
    if (only && !only.includes(name)) continue;
    const t0 = performance.now();
    process.stderr.write(`bench: ${name}…\n`);
    try {
      const s = await section(quick);
      report.results.push(...s.results);
      report.notes.push(...s.notes);
    } catch (e) {
      // A section that fails is reported, not fatal: the others still measure.
      report.notes.push(`${name}: failed: ${(e as Error).stack ?? String(e)}`);
    }
    report.results.push(result(`section ${name} wall time`, (performance.now() - t0) / 1000, 's'));
    await writeReport(values.out!, report);
  }
  await writeReport(values.out!, report);
  process.stdout.write(`${table(report.results)}\n\n${report.notes.map((n) => `- ${n}`).join('\n')}\n\nwritten ${values.out}\n`);
}

const HELP = `npm run bench -- [--quick] [--out FILE] [--only a,b]
  --quick          short runs (the smoke test in npm test)
  --out FILE       report path (default reports/bench.json)
  --only a,b       sections: ${Object.keys(SECTIONS).join(', ')}
  --soak           only the soak and fault campaign; figures under "soak" in --out
  --seconds T      soak duration in seconds (default 20, 1…3600)
  --clients N      concurrent soak API clients (default 8, 1…256)
`;

await main().catch((e: unknown) => {
  process.stderr.write(`bench: ${(e as Error).message}\n`);
  process.exit(2);
});
