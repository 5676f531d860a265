import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { dirname } from 'node:path';
import type { BenchResult } from './stats.ts';

/** The whole of `reports/bench.json`: every figure with its baseline and target. */
export interface BenchReport {
  machine: { cpus: number; cpuModel: string; node: string };
  quick: boolean;
  results: BenchResult[];
  notes: string[];
}

/** A report skeleton describing this machine. */
export function newReport(quick: boolean): BenchReport {
  const c = cpus();
  return { machine: { cpus: c.length, cpuModel: c[0]?.model ?? 'unknown', node: process.version }, quick, results: [], notes: [] };
}

/** Write the report as pretty JSON, creating its folder. */
export async function writeReport(path: string, report: BenchReport): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(report, null, 2)}\n`);
}

const fmt = (x: number | null | undefined): string => {
  if (x === null || x === undefined) return '';
  if (!Number.isFinite(x)) return String(x);
  return Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 1 ? x.toFixed(2) : x.toFixed(3);
};

/** The results as a fixed-width text table. */
export function table(results: readonly BenchResult[]): string {
  const rows = [
    ['figure', 'value', 'unit', 'baseline', 'ratio', 'target', 'met'],
    ...results.map((r) => [
      r.name, fmt(r.value), r.unit, r.baseline ? `${fmt(r.baseline.value)} ${r.baseline.unit}` : '', fmt(r.ratio), r.target,
      r.met === null ? '' : r.met ? 'yes' : 'NO',
    ]),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  const line = (row: string[]): string => row.map((cell, c) => (c === 0 || c === 5 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}
