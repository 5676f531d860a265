import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { FullResult, Reporter, TestCase, TestResult } from '@playwright/test/reporter';
import { buildMatrix, type Matrix, type TestRecord } from './matrix.ts';
import { matrixHtml } from './matrix-html.ts';

const ID = /^@([A-Z][A-Z0-9]*-\d\d)$/;

/**
 * Writes the conformance matrix (`conformance.json` + `conformance.html`): rows are the check IDs
 * of the test plan, columns target × profile. Collects in onTestEnd, writes once in onEnd, never throws.
 * On a `sim` column a check with no test (other than LAB-*) fails the run.
 */
export default class MatrixReporter implements Reporter {
  private readonly records: TestRecord[] = [];
  private readonly outputDir: string;
  private readonly htmlReport: string;

  constructor(options: { outputDir?: string; htmlReport?: string } = {}) {
    this.outputDir = options.outputDir ?? 'reports';
    this.htmlReport = relative(this.outputDir, options.htmlReport ?? join(this.outputDir, 'html/index.html'));
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
      const matrix = buildMatrix(this.records, previous, new Date().toISOString(), this.htmlReport);
      writeFileSync(jsonPath, `${JSON.stringify(matrix, null, 1)}\n`);
      writeFileSync(join(this.outputDir, 'conformance.html'), matrixHtml(matrix));
      const runColumns = new Set(this.records.map((r) => r.column));
      const missing = matrix.rows.filter((r) => !r.id.startsWith('LAB-') && [...runColumns].some((c) => c.startsWith('sim') && r.cells[c]?.status === 'missing'));
      process.stdout.write(`conformance matrix: ${join(this.outputDir, 'conformance.html')}\n`);
      if (missing.length > 0 && result.status === 'passed' && !process.env.LOCKBENCH_ALLOW_MISSING) {
        process.stderr.write(`conformance: checks with no test on sim: ${missing.map((r) => r.id).join(', ')}\n`);
        return { status: 'failed' };
      }
    } catch (e) {
      process.stderr.write(`conformance matrix reporter: ${(e as Error).message}\n`);
    }
    return undefined;
  }

  printsToStdio(): boolean {
    return false;
  }
}
