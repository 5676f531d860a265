/**
 * The workers' side of the station (`--station`): events appended as NDJSON to a file of their own in the
 * station folder (`LOCKBENCH_STATION_DIR`, set by `bin/conformance.ts`), read live by the runner's station
 * reporter. A file rather than `testInfo.attach` (which reaches a reporter only when a step or test ends) or
 * stdout (mixed with the test's own output): it is live, needs no socket, and one writer per file keeps order.
 * Without a station folder every call here does nothing. Operator answers come back the same way: the
 * runner writes `answer-<promptId>.json`, the worker watches for it.
 */
import { appendFileSync, existsSync, readFileSync, watch } from 'node:fs';
import { join } from 'node:path';
import { WireLog, type WireEntry } from '../client/wire-log.ts';
import { eventLine, secretsOf, type StationEvent } from './events.ts';

export const stationDir = (env: NodeJS.ProcessEnv = process.env): string | undefined => env.LOCKBENCH_STATION_DIR || undefined;
/** Whether checks that need a person run (`--operator`); without it they skip with that reason. */
export const operatorPresent = (env: NodeJS.ProcessEnv = process.env): boolean => env.LOCKBENCH_OPERATOR === '1';
export const answerFile = (dir: string, promptId: string): string => join(dir, `answer-${promptId.replace(/[^\w.-]/g, '_')}.json`);

/** The run's secrets by value, hidden wherever they appear (the worker's environment is fixed at its start). */
const SECRETS = secretsOf(process.env);

/** Append one event to this worker's feed (no-op without a station). */
export function emit(e: StationEvent): void {
  const dir = stationDir();
  if (!dir) return;
  try {
    appendFileSync(join(dir, `feed-${process.pid}.ndjson`), eventLine(e, SECRETS));
  } catch {
    // The station is a view: a run never fails because its page could not be told.
  }
}

/** A wire log whose every entry also goes to the station as it is recorded (already redacted by WireLog). */
export class StationWireLog extends WireLog {
  constructor(private readonly testId: string) {
    super();
  }

  override add(kind: WireEntry['kind'], summary: string, detail?: unknown): void {
    super.add(kind, summary, detail);
    const entry = this.entries.at(-1);
    if (entry) emit({ type: 'wire', testId: this.testId, startedAtMs: this.startedAt, entry });
  }
}

/** When this process loaded the feed: the anchor of run-level wire entries (epoch ms, transport time). */
const PROCESS_T0_MS = Date.now();

/**
 * A wire entry of the run rather than of a test (test ID ''), for the device panel: what the runner's own
 * broker sees of a physical gateway (DESIGN §12: it lives in the runner, outside every test's wire log).
 */
export function emitRunWire(kind: WireEntry['kind'], summary: string, detail?: unknown): void {
  emit({ type: 'wire', testId: '', startedAtMs: PROCESS_T0_MS, entry: { ms: Date.now() - PROCESS_T0_MS, kind, summary, ...(detail === undefined ? {} : { detail }) } });
}

/** The test's wire log: streamed to the station when one runs. */
export const wireLogFor = (testId: string): WireLog => (stationDir() ? new StationWireLog(testId) : new WireLog());

/**
 * Run `f`, a wait the harness cannot shorten (a lockout in real time, LAB-05's window, a gateway connecting),
 * shown on the page as a countdown to `untilMs` (epoch ms, real time) instead of silence.
 */
export async function waitShown<T>(testId: string, what: string, forMs: number, f: () => Promise<T>): Promise<T> {
  const atMs = Date.now();
  emit({ type: 'wait', testId, what, untilMs: atMs + forMs, atMs });
  try {
    return await f();
  } finally {
    emit({ type: 'wait-end', testId, what, atMs: Date.now() });
  }
}

export type OperatorAnswer = { answer: 'done'; afterMs: number } | { answer: 'timeout'; afterMs: number };

/**
 * Ask the person at the bench to do `instruction` and press "done" on the page; bounded by `timeoutMs`
 * (STYLE §18). The answer and its times go into `wire` (the evidence of the test).
 */
export async function askOperator(testId: string, promptId: string, instruction: string, timeoutMs: number, wire: WireLog): Promise<OperatorAnswer> {
  const dir = stationDir();
  const atMs = Date.now();
  wire.add('control', `operator asked: ${instruction}`, { promptId, timeoutMs });
  emit({ type: 'prompt', promptId, testId, instruction, untilMs: atMs + timeoutMs, atMs });
  const file = dir ? answerFile(dir, promptId) : undefined;
  const done = await new Promise<boolean>((resolve) => {
    if (!dir || !file) return resolve(false);
    // The hub renames a whole file into place; a read that still finds no answer waits for the next event.
    const check = (): void => {
      if (existsSync(file) && readAnswer(file) === 'done') finish(true);
    };
    const watcher = watch(dir, check);
    const timer = setTimeout(() => finish(false), timeoutMs);
    function finish(answered: boolean): void {
      clearTimeout(timer);
      watcher.close();
      resolve(answered);
    }
    check();
  });
  const afterMs = Date.now() - atMs;
  const answer: OperatorAnswer = { answer: done ? 'done' : 'timeout', afterMs };
  emit({ type: 'prompt-end', promptId, answer: answer.answer, atMs: Date.now() });
  wire.add('control', `operator answered ${answer.answer} after ${afterMs} ms`, { promptId, ...answer });
  return answer;
}

function readAnswer(file: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { answer?: string }).answer;
  } catch {
    return undefined;
  }
}
