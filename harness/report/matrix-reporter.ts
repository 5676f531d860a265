import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import type { FullConfig, FullResult, Reporter, Suite, TestCase, TestResult } from '@playwright/test/reporter';
import { planChecks, type Check } from './checks.ts';
import { buildMatrix, missingOnSim, sequencesOf, type Matrix, type RunInfo, type TestRecord } from './matrix.ts';
import { matrixHtml, seededLine } from './matrix-html.ts';
import { NOT_RUN, runDir, runStateDir, UNSETTLED, UNSETTLED_FILE, writeSeen, type RunSeen } from './run-outcome.ts';
import { isWholeSuite, runScope, scopeLabel, type RunScope } from './run-scope.ts';
import { shardRecordPath, type ShardRecords } from './shard-records.ts';

const ID = /^@([A-Z][A-Z0-9]*-\d\d)$/;
/** How often a running run's matrix is written, at most, ms (transport time, not domain time). */
const WRITE_EVERY_MS = 1000;
/** A test's matrix column: its project's `metadata.column` (a team's project shares the built-in one's), else the project's name. */
function columnOf(test: TestCase): string {
  const project = test.parent.project();
  const column = (project?.metadata as { column?: unknown } | undefined)?.column;
  return typeof column === 'string' ? column : project?.name ?? 'default';
}

/** `file › describe › title`, the file by its name alone: a team's spec sits outside the package's specs/ folder. */
function titleOf(test: TestCase): string {
  const [file, ...rest] = test.titlePath().slice(2);
  return [basename(file ?? ''), ...rest].join(' › ');
}

const idsOf = (tags: readonly string[]): string[] => tags.map((t) => ID.exec(t)?.[1]).filter((x): x is string => !!x);

/** What the config's `metadata` says a run was seeded with (DESIGN §9; playwright.config.ts sets it). */
export function seedingOf(metadata: Record<string, unknown>): Pick<RunInfo, 'seed' | 'defects' | 'variant'> {
  const m = metadata as { seed?: unknown; defects?: unknown; variant?: unknown };
  return {
    ...(typeof m.seed === 'string' && m.seed ? { seed: m.seed } : {}),
    defects: typeof m.defects === 'string' && m.defects !== 'none' ? m.defects.split(',').filter(Boolean) : [],
    ...(typeof m.variant === 'string' && m.variant ? { variant: m.variant } : {}),
  };
}

/**
 * Updates the conformance matrix (`conformance.json` + `conformance.html`): rows are the check IDs of the test
 * plan, columns target × profile. The matrix is a record (DESIGN §9 Reports): a run updates the cells it ran,
 * read from `previousDir` (default `outputDir`), and writes to `outputDir` — `bin/conformance.ts` points that at
 * a staging folder it moves into place only once a test began. A run in which no test began writes nothing.
 * On a `sim` column a check with no test (other than LAB-*) fails a whole-suite run (DESIGN §13). Sequence
 * diagrams of cells no longer in the matrix are removed with them (DESIGN §14). Never throws. With `blobDir`,
 * this run's records also go there for `report:merge`. A killed run keeps its evidence (DESIGN §14): after each
 * test the matrix is written as if the run stopped there ("aborted at test N+1"), and onEnd writes it once more,
 * marked aborted only when a signal interrupted the run — a runner killed outright still leaves the first.
 */
export default class MatrixReporter implements Reporter {
  private readonly records: TestRecord[] = [];
  private readonly outputDir: string;
  private readonly previousDir: string;
  private readonly htmlReport: string;
  private readonly blobDir: string | undefined;
  private readonly target: string;
  private scope: RunScope = { shard: null, filters: [] };
  private selected: Record<string, string[]> = {};
  private run: RunInfo = { at: new Date().toISOString(), scope: 'whole suite', defects: [] };
  private begun = 0;
  private total = 0;
  private pending: NodeJS.Timeout | undefined;
  private lastWriteMs = -Infinity;
  private readonly checks: readonly Check[];

  /**
   * `planFiles`: a team's plan files, whose check IDs become rows after lockbench's own (all of them, unless
   * `builtInPlan` is false); a bad plan fails the run here, naming the file, before any test.
   */
  constructor(options: { outputDir?: string; previousDir?: string; htmlReport?: string; blobDir?: string; target?: string; planFiles?: string[]; builtInPlan?: boolean } = {}) {
    this.checks = checksOf(options.builtInPlan ?? true, options.planFiles ?? []);
    this.outputDir = options.outputDir ?? 'reports';
    this.previousDir = options.previousDir ?? this.outputDir;
    this.htmlReport = relative(this.outputDir, options.htmlReport ?? join(this.outputDir, 'html/index.html'));
    this.blobDir = options.blobDir || undefined;
    this.target = options.target ?? 'sim';
  }

  onBegin(config: FullConfig, suite: Suite): void {
    this.scope = runScope(config.argv, config);
    // The wall-clock date of the run (a report date, not domain time) and what it was seeded with.
    this.run = { at: new Date().toISOString(), scope: scopeLabel(this.scope), ...seedingOf(config.metadata) };
    this.total = suite.allTests().length;
    for (const t of suite.allTests()) {
      const column = columnOf(t);
      (this.selected[column] ??= []).push(...idsOf(t.tags));
    }
  }

  onTestBegin(): void {
    this.begun++;
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    const checkIds = idsOf(test.tags);
    if (checkIds.length === 0) return;
    const annotations = [...test.annotations, ...result.annotations];
    const last = result.retry === test.retries || result.status === 'passed';
    // A test the signal cut short proves nothing: its check reads "not run (aborted at test N)".
    if (!last || result.status === 'interrupted') return;
    const notRun = annotations.find((a) => a.type === NOT_RUN)?.description;
    this.records.push({
      checkIds,
      column: columnOf(test),
      title: titleOf(test),
      testId: test.id,
      file: test.location.file.includes(`${sep}specs${sep}`) ? test.location.file.split(`${sep}specs${sep}`).pop()! : relative(process.cwd(), test.location.file),
      line: test.location.line,
      status: result.status,
      skipReasons: notRun ? [] : annotations.filter((a) => a.type === 'skip' || a.type === 'fixme').map((a) => a.description ?? 'skipped'),
      findings: annotations.filter((a) => a.type === 'finding').map((a) => a.description ?? ''),
      ...(notRun ? { notRun: UNSETTLED } : {}),
      ...this.keepSequence(test, result),
    });
    this.writeSoon();
  }

  /**
   * The matrix as if the run stopped after the last test that ended, at most once a second (a write takes
   * ~10 ms, a sim run ends hundreds of tests): a runner killed outright loses at most the last second's tests.
   */
  private writeSoon(): void {
    if (this.pending) return;
    const write = (): void => {
      this.pending = undefined;
      this.lastWriteMs = performance.now();
      try {
        this.writeAsOf(`aborted at test ${this.begun + 1} of ${this.total}`, { testsBegun: this.begun, status: 'interrupted' });
      } catch (e) {
        process.stderr.write(`conformance matrix reporter: ${(e as Error).message}\n`);
      }
    };
    const waitMs = this.lastWriteMs + WRITE_EVERY_MS - performance.now();
    if (waitMs <= 0) write();
    else this.pending = setTimeout(write, waitMs).unref();
  }

  /** The matrix and what the run saw, as they stand; `aborted` marks the run until onEnd says otherwise. */
  private writeAsOf(aborted: string | undefined, seen: RunSeen): Matrix {
    const dir = runDir();
    if (dir) writeSeen(dir, seen);
    const run = aborted ? { ...this.run, aborted } : this.run;
    const previous = readMatrix(join(this.previousDir, 'conformance.json'));
    const matrix = buildMatrix({ run, records: this.records, selected: this.selected, wholeSuite: isWholeSuite(this.scope) && !run.aborted, htmlReport: this.htmlReport, checks: this.checks }, previous);
    mkdirSync(this.outputDir, { recursive: true });
    writeFileSync(join(this.outputDir, 'conformance.json'), `${JSON.stringify(matrix, null, 1)}\n`);
    writeFileSync(join(this.outputDir, 'conformance.html'), matrixHtml(matrix));
    this.keepOnlyLinkedSequences(matrix);
    return matrix;
  }

  /** A copy of the failing test's sequence diagram beside the matrix (test-results/ is wiped by the next run). */
  private keepSequence(test: TestCase, result: TestResult): { sequence?: string } {
    const a = result.attachments.find((x) => x.name === 'sequence.html' && x.path);
    if (!a?.path) return {};
    try {
      const rel = `sequences/${test.id}.html`;
      mkdirSync(join(this.outputDir, 'sequences'), { recursive: true });
      copyFileSync(a.path, join(this.outputDir, rel));
      if (this.blobDir) {
        // report:merge copies the diagrams the merged matrix links from here (DESIGN §13, §14).
        mkdirSync(join(this.blobDir, 'sequences'), { recursive: true });
        copyFileSync(a.path, join(this.blobDir, rel));
      }
      return { sequence: rel };
    } catch (e) {
      process.stderr.write(`conformance matrix reporter: sequence of ${test.title}: ${(e as Error).message}\n`);
      return {};
    }
  }

  async onEnd(result: FullResult): Promise<{ status?: FullResult['status'] } | undefined> {
    clearTimeout(this.pending);
    this.pending = undefined;
    const unsettled = this.records.find((r) => r.notRun)
      ? readUnsettled() ?? UNSETTLED : undefined;
    const dir = runDir();
    try {
      const seen = { testsBegun: this.begun, status: result.status, ...(unsettled ? { unsettled } : {}) };
      // A run in which no test began (preflight stop, bad flag) leaves the matrix as it was.
      if (this.begun === 0) {
        if (dir) writeSeen(dir, seen);
        return undefined;
      }
      const interrupted = result.status === 'interrupted';
      if (interrupted) this.run = { ...this.run, aborted: `aborted at test ${this.begun} of ${this.total}` };
      const matrix = this.writeAsOf(undefined, seen);
      if (interrupted) process.stderr.write(`conformance: ${this.run.aborted}: the matrix holds the ${this.records.length} tests before it\n`);
      process.stdout.write(`conformance matrix: ${join(this.previousDir, 'conformance.html')} (${this.run.scope}; ${seededLine(this.run)})\n`);
      if (this.blobDir) this.writeShardRecords(this.blobDir, result);
      if (unsettled) {
        process.stderr.write(`conformance: the run stopped: ${UNSETTLED}: ${unsettled}\n`);
        return { status: 'failed' };
      }
      const missing = missingOnSim(matrix, Object.keys(this.selected));
      if (!isWholeSuite(this.scope)) {
        process.stdout.write(`conformance: part of the suite (${this.run.scope}): cells it did not select keep their earlier result\n`);
      } else if (missing.length > 0 && result.status === 'passed' && !process.env.LOCKBENCH_ALLOW_MISSING) {
        process.stderr.write(`conformance: checks with no test on sim: ${missing.join(', ')}\n`);
        return { status: 'failed' };
      }
    } catch (e) {
      process.stderr.write(`conformance matrix reporter: ${(e as Error).message}\n`);
    }
    return undefined;
  }

  /** The diagrams the matrix links end up in outputDir/sequences; the others go with the results they belonged to. */
  private keepOnlyLinkedSequences(matrix: Matrix): void {
    const linked = new Set(sequencesOf(matrix));
    for (const rel of linked) {
      const from = join(this.previousDir, rel);
      const to = join(this.outputDir, rel);
      if (!existsSync(to) && existsSync(from)) {
        mkdirSync(dirname(to), { recursive: true });
        copyFileSync(from, to);
      }
    }
    const seqDir = join(this.outputDir, 'sequences');
    if (!existsSync(seqDir)) return;
    for (const f of readdirSync(seqDir)) if (!linked.has(`sequences/${f}`)) rmSync(join(seqDir, f), { force: true });
  }

  private writeShardRecords(dir: string, result: FullResult): void {
    const out: ShardRecords = {
      target: this.target, scope: this.scope, startedAt: this.run.at, run: this.run, selected: this.selected, status: result.status, records: this.records, checks: [...this.checks],
    };
    const path = shardRecordPath(dir, this.target, this.scope.shard);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${JSON.stringify(out)}\n`);
  }

  printsToStdio(): boolean {
    return false;
  }
}

/** The rows; `defineConfig` has already refused a bad plan, so a failure here is said and the built-in plan stands. */
function checksOf(builtIn: boolean, planFiles: string[]): readonly Check[] {
  try {
    return planChecks({ builtIn, planFiles });
  } catch (e) {
    process.stderr.write(`conformance matrix reporter: ${(e as Error).message}\n`);
    return planChecks();
  }
}

function readMatrix(path: string): Matrix | undefined {
  try {
    const m = JSON.parse(readFileSync(path, 'utf8')) as Matrix;
    return Array.isArray(m.rows) ? { ...m, runs: m.runs ?? [], dates: m.dates ?? {} } : undefined;
  } catch {
    return undefined;
  }
}

/** What the settle guard wrote when it stopped the run (harness/fixtures/settle-guard.ts). */
function readUnsettled(): string | undefined {
  try {
    return readFileSync(join(runStateDir(process.pid), UNSETTLED_FILE), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}
