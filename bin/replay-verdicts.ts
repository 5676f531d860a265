/**
 * The verdicts of a run, per test, from Playwright's JSON report (reports/…/results.json): what the CI proof of
 * record and replay compares (docs/cli.md §8 "Record and replay": a cassette replays the remote
 * suite with the same verdicts offline).
 */
import { readFileSync } from 'node:fs';

interface JsonSuite {
  title: string;
  specs?: { title: string; tests: { status: string }[] }[];
  suites?: JsonSuite[];
}

/** Test (file › describe › title) → 'expected' | 'skipped' | 'unexpected' | 'flaky', read from `resultsPath`. */
export function verdictsOf(resultsPath: string): Map<string, string> {
  const report = JSON.parse(readFileSync(resultsPath, 'utf8')) as { suites: JsonSuite[] };
  const out = new Map<string, string>();
  const walk = (s: JsonSuite, path: string[]): void => {
    for (const spec of s.specs ?? []) for (const t of spec.tests) out.set([...path, spec.title].join(' › '), t.status);
    for (const child of s.suites ?? []) walk(child, [...path, child.title]);
  };
  for (const s of report.suites) walk(s, [s.title]);
  return out;
}

/** One line per test whose verdict differs between the two runs (a test only one run has counts too). */
export function verdictChanges(recorded: Map<string, string>, replayed: Map<string, string>): string[] {
  const names = [...new Set([...recorded.keys(), ...replayed.keys()])].sort();
  return names.filter((n) => recorded.get(n) !== replayed.get(n)).map((n) => `${n}: ${recorded.get(n) ?? '(not run)'} on remote, ${replayed.get(n) ?? '(not run)'} on replay`);
}
