import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { FullConfig, FullResult, Reporter, TestCase, TestResult } from '@playwright/test/reporter';
import { buildMatrix, missingOnSim, type Matrix, type TestRecord } from './matrix.ts';
import { matrixHtml } from './matrix-html.ts';
import { isWholeSuite, runScope, type RunScope } from './run-scope.ts';
import { shardRecordPath, type ShardRecords } from './shard-records.ts';

const ID = /^@([A-Z][A-Z0-9]*-\d\d)$/;

/**
 * Writes the conformance matrix (`conformance.json` + `conformance.html`): rows are the check IDs
 * of the test plan, columns target × profile. Collects in onTestEnd, writes once in onEnd, never throws.
 * On a `sim` column a check with no test (other than LAB-*) fails a whole-suite run; a run of part
 * of the suite exits by the tests it ran (DESIGN §13). With `blobDir`, this run's records also go
 * there for `report:merge`.
 */
export default class MatrixReporter implements Reporter {
  private readonly records: TestRecord[] = [];
  private readonly outputDir: string;
  private readonly htmlReport: string;
  private readonly blobDir: string | undefined;
  private readonly target: string;
  private scope: RunScope = { shard: null, filters: [] };
  private startedAt = new Date().toISOString();

  constructor(options: { outputDir?: string; htmlReport?: string; blobDir?: string; target?: string } = {}) {
    this.outputDir = options.outputDir ?? 'reports';
    this.htmlReport = relative(this.outputDir, options.htmlReport ?? join(this.outputDir, 'html/index.html'));
    this.blobDir = options.blobDir || undefined;
    this.target = options.target ?? 'sim';
  }

  onBegin(config: FullConfig): void {
    this.scope = runScope(config.argv, config);
    // The wall-clock date of the run, shown per column (a report date, not domain time).
    this.startedAt = new Date().toISOString();
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    const checkIds = test.tags.map((t) => ID.exec(t)?.[1]).filter((x): x is string => !!x);
    if (checkIds.length === 0) return;
    const annotations = [...test.annotations, ...result.annotations];
    const last = result.retry === test.retries || result.status === 'passed';
    if (!last) return;
    this.records.push({
      checkIds,
      column: test.parent.project()?.name ?? 'default',
      title: test.titlePath().slice(2).join(' › '),
      testId: test.id,
      file: test.location.file.split(/[\\/]specs[\\/]/).pop() ?? test.location.file,
      line: test.location.line,
      status: result.status,
      skipReasons: annotations.filter((a) => a.type === 'skip' || a.type === 'fixme').map((a) => a.description ?? 'skipped'),
      findings: annotations.filter((a) => a.type === 'finding').map((a) => a.description ?? ''),
      ...this.keepSequence(test, result),
    });
  }

  /** A copy of the failing test's sequence diagram beside the matrix (test-results/ is wiped by the next run). */
  private keepSequence(test: TestCase, result: TestResult): { sequence?: string } {
    const a = result.attachments.find((x) => x.name === 'sequence.html' && x.path);
    if (!a?.path) return {};
    try {
      const rel = `sequences/${test.id}.html`;
      mkdirSync(join(this.outputDir, 'sequences'), { recursive: true });
      copyFileSync(a.path, join(this.outputDir, rel));
      return { sequence: rel };
    } catch (e) {
      process.stderr.write(`conformance matrix reporter: sequence of ${test.title}: ${(e as Error).message}\n`);
      return {};
    }
  }

  async onEnd(result: FullResult): Promise<{ status?: FullResult['status'] } | undefined> {
    try {
      mkdirSync(this.outputDir, { recursive: true });
      const jsonPath = join(this.outputDir, 'conformance.json');
      let previous: Matrix | undefined;
      try {
        previous = JSON.parse(readFileSync(jsonPath, 'utf8')) as Matrix;
      } catch {
        previous = undefined;
      }
      // Other targets' columns are kept (each keeps its own date); a column of this target that this run
      // did not fill is stale and goes (DESIGN §13).
      const kept = previous && { ...previous, columns: previous.columns.filter((c) => !c.startsWith(`${this.target} `)) };
      const matrix = buildMatrix(this.records, kept, this.startedAt, this.htmlReport);
      writeFileSync(jsonPath, `${JSON.stringify(matrix, null, 1)}\n`);
      writeFileSync(join(this.outputDir, 'conformance.html'), matrixHtml(matrix));
      process.stdout.write(`conformance matrix: ${join(this.outputDir, 'conformance.html')}\n`);
      if (this.blobDir) this.writeShardRecords(this.blobDir, result);
      const missing = missingOnSim(matrix, new Set(this.records.map((r) => r.column)));
      if (!isWholeSuite(this.scope)) {
        if (missing.length > 0) process.stdout.write(`conformance: part of the suite (${this.scope.filters.join(', ') || `shard ${this.scope.shard?.current}/${this.scope.shard?.total}`}): checks not run are not required\n`);
      } else if (missing.length > 0 && result.status === 'passed' && !process.env.LOCKBENCH_ALLOW_MISSING) {
        process.stderr.write(`conformance: checks with no test on sim: ${missing.join(', ')}\n`);
        return { status: 'failed' };
      }
    } catch (e) {
      process.stderr.write(`conformance matrix reporter: ${(e as Error).message}\n`);
    }
    return undefined;
  }

  private writeShardRecords(dir: string, result: FullResult): void {
    const out: ShardRecords = {
      target: this.target, scope: this.scope, startedAt: this.startedAt, status: result.status, records: this.records,
    };
    const path = shardRecordPath(dir, this.target, this.scope.shard);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${JSON.stringify(out)}\n`);
  }

  printsToStdio(): boolean {
    return false;
  }
}
