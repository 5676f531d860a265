/**
 * `npm run bench [-- --quick] [--out FILE] [--only a,b] [--fleet-shards]`: the benchmarks of issue 6, each beside a
 * raw baseline measured in the same run; prints a table and writes `reports/bench.json`. `--fleet-shards`
 * adds the DESIGN §13 fleet on Mosquitto (100k locks as 4 shards; several minutes), off by default.
 */
import { parseArgs } from 'node:util';
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
    },
  });
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

await main();
