/**
 * Where a recording run keeps its tests until the run ends (docs/cli.md §8 "Record and replay"):
 * each test's exchanges go to their own file in the folder `LOCKBENCH_RECORD` names, written when the test
 * ends, so workers never share a file; `lockbench record` then merges them into one cassette.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestExchanges } from '../core/facets.ts';
import { CASSETTE_FORMAT, type Cassette, type Exchange } from './cassette.ts';
import { Recorder } from './tape.ts';

/** The key of a test in a cassette: its title path (spec file › describe › title), the project left out. */
export function testKey(titlePath: readonly string[]): string {
  return titlePath.join(' › ');
}

/** A recorder for one test whose exchanges land in `dir` when the test is done (a retry overwrites its attempt). */
export function recordTest(dir: string, titlePath: readonly string[]): TestExchanges {
  const recorder = new Recorder();
  const test = testKey(titlePath);
  return {
    hook: recorder.hook,
    // A test that sent nothing (skipped before its first request) leaves no entry.
    done: async () => {
      if (recorder.exchanges.length === 0) return;
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `${createHash('sha256').update(test).digest('hex').slice(0, 32)}.json`);
      writeFileSync(file, JSON.stringify({ test, exchanges: recorder.exchanges }));
    },
  };
}

/** What a cassette says about the run besides its tests. */
export type CassetteHeader = Omit<Cassette, 'format' | 'tests'>;

/** The cassette of every test recorded into `dir`. */
export function mergeRecordings(dir: string, header: CassetteHeader): Cassette {
  const tests: Record<string, Exchange[]> = {};
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const part = JSON.parse(readFileSync(join(dir, name), 'utf8')) as { test: string; exchanges: Exchange[] };
    tests[part.test] = part.exchanges;
  }
  return { format: CASSETTE_FORMAT, ...header, tests };
}
