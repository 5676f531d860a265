import { readFile } from 'node:fs/promises';
import type { BenchReport } from './report.ts';
import type { BenchResult } from './stats.ts';

/** Why an earlier report could not be read, naming the file and what is wrong with it. */
export class CompareError extends Error {}

/** Read an earlier `reports/bench.json`; a missing file, bad JSON or a wrong shape is a `CompareError`. */
export async function readReport(path: string): Promise<BenchReport> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new CompareError(`--compare: cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new CompareError(`--compare: ${path} is not JSON: ${(e as Error).message}`);
  }
  const results = (json as { results?: unknown }).results;
  if (!Array.isArray(results)) throw new CompareError(`--compare: ${path}: $.results must be an array of bench results`);
  results.forEach((r: unknown, i) => {
    const x = r as Partial<BenchResult> | null;
    if (typeof x?.name !== 'string') throw new CompareError(`--compare: ${path}: $.results[${i}].name must be a string`);
    if (typeof x.value !== 'number' && x.value !== null) throw new CompareError(`--compare: ${path}: $.results[${i}].value must be a number`);
  });
  return json as BenchReport;
}

/** One figure in both runs; `before`/`after` are null where the figure is absent from that run. */
export interface Change {
  name: string;
  unit: string;
  before: number | null;
  after: number | null;
  /** after / before, or null when either is missing, zero or not finite. */
  factor: number | null;
  ratioBefore: number | null;
  ratioAfter: number | null;
  metBefore: boolean | null;
  metAfter: boolean | null;
}

const finite = (x: number | null | undefined): x is number => typeof x === 'number' && Number.isFinite(x);

/** Pair the figures of two runs by name, in the order of the new run, then those only the old run has. */
export function compare(before: readonly BenchResult[], after: readonly BenchResult[]): Change[] {
  const old = new Map(before.map((r) => [r.name, r]));
  const rows: Change[] = after.map((a) => {
    const b = old.get(a.name);
    old.delete(a.name);
    return {
      name: a.name, unit: a.unit, before: b?.value ?? null, after: a.value,
      factor: b && finite(b.value) && finite(a.value) && b.value !== 0 ? a.value / b.value : null,
      ratioBefore: b?.ratio ?? null, ratioAfter: a.ratio, metBefore: b?.met ?? null, metAfter: a.met,
    };
  });
  for (const b of old.values()) {
    rows.push({ name: b.name, unit: b.unit, before: b.value, after: null, factor: null, ratioBefore: b.ratio, ratioAfter: null, metBefore: b.met, metAfter: null });
  }
  return rows;
}

const num = (x: number | null): string => {
  if (x === null) return '—';
  if (!Number.isFinite(x)) return String(x);
  return Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 1 ? x.toFixed(2) : x.toFixed(3);
};
const met = (m: boolean | null): string => (m === null ? '' : m ? 'yes' : 'NO');

/** The comparison as a fixed-width table: value and ratio before → after, the factor, and met before → after. */
export function compareTable(rows: readonly Change[]): string {
  const cells = [
    ['figure', 'unit', 'before', 'after', 'after/before', 'ratio before', 'ratio after', 'met'],
    ...rows.map((r) => [
      r.name, r.unit, num(r.before), num(r.after), r.factor === null ? '' : `${num(r.factor)}×`, num(r.ratioBefore), num(r.ratioAfter),
      r.metBefore === null && r.metAfter === null ? '' : `${met(r.metBefore) || '—'} → ${met(r.metAfter) || '—'}`,
    ]),
  ];
  const widths = cells[0]!.map((_, c) => Math.max(...cells.map((row) => row[c]!.length)));
  const line = (row: string[]): string => row.map((cell, c) => (c <= 1 || c === 7 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ').trimEnd();
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}
