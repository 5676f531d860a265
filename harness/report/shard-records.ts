import { join } from 'node:path';
import type { Check } from './checks.ts';
import type { RunInfo, TestRecord } from './matrix.ts';
import type { RunScope } from './run-scope.ts';

/**
 * What one conformance run leaves in `LOCKBENCH_BLOB_DIR` next to its Playwright blob (DESIGN §13):
 * its matrix records, its scope and its date, so `report:merge` builds the matrix from these runs only.
 */
export interface ShardRecords {
  target: string;
  scope: RunScope;
  /** When the run began (ISO 8601); dates the columns it fills. */
  startedAt: string;
  /** The run as the matrix names it (scope, seeding). */
  run?: RunInfo;
  /** Per column, the check IDs of the tests the run selected. */
  selected?: Record<string, string[]>;
  /** Playwright's overall status of the run. */
  status: string;
  /** The run's matrix rows (lockbench's plan and a team's); absent in records of older versions: the built-in plan. */
  checks?: Check[];
  records: TestRecord[];
}

/** `{target}-shard-K-of-N` (or `{target}-whole`): one run's folder name; a re-run of a shard replaces it. */
export function runTag(target: string, shard: { current: number; total: number } | null): string {
  return shard ? `${target}-shard-${shard.current}-of-${shard.total}` : `${target}-whole`;
}

/** Where a run's records go under the blob directory. */
export function shardRecordPath(dir: string, target: string, shard: { current: number; total: number } | null): string {
  return join(dir, 'matrix', `${runTag(target, shard)}.json`);
}

/** `--shard K/N` (or `--shard=K/N`) from a runner's argv, or null. */
export function shardOfArgv(argv: readonly string[]): { current: number; total: number } | null {
  const i = argv.findIndex((a) => a === '--shard' || a.startsWith('--shard='));
  if (i < 0) return null;
  const v = argv[i]!.includes('=') ? argv[i]!.slice('--shard='.length) : argv[i + 1] ?? '';
  const m = /^(\d+)\/(\d+)$/.exec(v);
  return m ? { current: Number(m[1]), total: Number(m[2]) } : null;
}
