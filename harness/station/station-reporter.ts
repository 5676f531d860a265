/**
 * The runner's part of the station (`--station`): what Playwright tells a reporter — the run, each test as it
 * begins and ends, its steps — into the station folder as events (feed.ts), with, per check ID, the status its
 * matrix cell will have (the matrix's own `cellOf`, so the page's final counts are the matrix's). Never throws.
 */
import type { FullConfig, FullResult, Reporter, Suite, TestCase, TestResult, TestStep } from '@playwright/test/reporter';
import { cellOf, type TestRecord } from '../report/matrix.ts';
import { NOT_RUN, UNSETTLED } from '../report/run-outcome.ts';
import type { CheckStatus } from './events.ts';
import { emit, operatorPresent } from './feed.ts';

const ID = /^@([A-Z][A-Z0-9]*-\d\d)$/;
const checksOf = (test: TestCase): string[] => test.tags.map((t) => ID.exec(t)?.[1]).filter((x): x is string => !!x);

export default class StationReporter implements Reporter {
  private ordinal = 0;
  private readonly byCheck = new Map<string, TestRecord[]>();

  onBegin(config: FullConfig, suite: Suite): void {
    const target = String((config.projects[0]?.use as { targetName?: unknown } | undefined)?.targetName ?? process.env.LOCKBENCH_TARGET ?? 'sim');
    emit({ type: 'run', target, total: suite.allTests().length, startedAtMs: Date.now(), operator: operatorPresent() });
  }

  onTestBegin(test: TestCase): void {
    this.ordinal++;
    emit({ type: 'test-begin', testId: test.id, title: test.titlePath().slice(3).join(' › '), checks: checksOf(test), atMs: Date.now(), ordinal: this.ordinal });
  }

  onStepBegin(test: TestCase, _result: TestResult, step: TestStep): void {
    if (step.category === 'test.step' || step.category === 'expect') emit({ type: 'step', testId: test.id, title: step.title, atMs: Date.now() });
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    const checks = checksOf(test);
    const error = result.errors.map((e) => e.message ?? '').join('\n').replace(/\x1b\[[0-9;]*m/g, '').split('\n').slice(0, 8).join('\n');
    emit({ type: 'test-end', testId: test.id, status: result.status, checks, atMs: Date.now(), ...(error ? { error } : {}) });
    for (const a of result.annotations) if (a.type === 'clock accuracy' && a.description) emit({ type: 'note', testId: test.id, what: a.type, text: a.description });
    // The matrix's rule (matrix-reporter.ts): a cut-short test proves nothing; only a test's last try counts.
    if (result.status === 'interrupted' || (result.retry !== test.retries && result.status !== 'passed')) return;
    const notRun = [...test.annotations, ...result.annotations].some((a) => a.type === NOT_RUN);
    const record: TestRecord = {
      checkIds: checks, column: '', title: test.title, testId: test.id, file: '', line: 0, status: result.status,
      skipReasons: [], findings: [], ...(notRun ? { notRun: UNSETTLED } : {}),
    };
    for (const id of checks) this.byCheck.set(id, [...(this.byCheck.get(id) ?? []), record]);
    const statuses: Record<string, CheckStatus> = {};
    for (const [id, records] of this.byCheck) statuses[id] = cellOf(records).status as CheckStatus;
    emit({ type: 'checks', statuses });
  }

  onEnd(result: FullResult): void {
    emit({ type: 'end', status: result.status, atMs: Date.now() });
  }

  printsToStdio(): boolean {
    return false;
  }
}
