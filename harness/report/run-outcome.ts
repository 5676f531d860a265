/**
 * How a conformance run ended, and the exit code that says why (README "Exit codes"): a CI job must tell
 * "fix the bench" from "fix the firmware". Pure, plus the small JSON files the run leaves in its run
 * directory (`LOCKBENCH_RUN_DIR`, set by `bin/conformance.ts` and `bin/defects.ts`) for them to read.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const EXIT = {
  /** Every selected check passed (or nothing was asked of a test: `--list`). */
  pass: 0,
  /** The device or cloud failed a check, or could not be settled. */
  failed: 1,
  /** Usage: a bad flag, a bad fixture or setting value, an unknown defect name, a defect on a target that cannot seed it. */
  usage: 2,
  /** The bench is not ready: a missing setting, an absent port, a mute device, a gateway that never connected, a broker that did not start. */
  bench: 3,
  /** Aborted: SIGINT/SIGTERM (Ctrl-C, a CI timeout) stopped the run; its reports hold the tests before the signal. */
  aborted: 4,
} as const;

/** Why a run stopped before any test (written by the global setup). */
export interface RunStop {
  cause: 'usage' | 'bench';
  message: string;
}

/** What the matrix reporter saw (written in its onEnd). */
export interface RunSeen {
  testsBegun: number;
  /** Playwright's status of the run: `interrupted` when a signal stopped it. */
  status: string;
  /** What the device did when it could not be settled, when that stopped the run. */
  unsettled?: string;
}

/** The annotation type of a test not run although selected (read by the matrix reporter). */
export const NOT_RUN = 'not-run';
/** Why: the device could not be settled (the run stopped, DESIGN §9 Harness). */
export const UNSETTLED = 'device could not be settled';

const STOP = 'stop.json';
const SEEN = 'seen.json';

/** The exit code of a run from Playwright's exit code and what the run left. */
export function exitCodeOf(playwrightStatus: number | null, stop: RunStop | undefined, seen: RunSeen | undefined): number {
  if (stop) return EXIT[stop.cause];
  // No test began: Playwright refused its arguments or its config (an unknown defect name, a bad flag),
  // or `--grep` selected nothing. `--list` exits 0 and stays 0.
  if (!seen || seen.testsBegun === 0) return playwrightStatus === 0 ? EXIT.pass : EXIT.usage;
  if (seen.unsettled) return EXIT.failed;
  // Playwright's own status of a run stopped by SIGINT: what is missing was never run, so neither 0 nor 1.
  if (seen.status === 'interrupted') return EXIT.aborted;
  return playwrightStatus === 0 ? EXIT.pass : EXIT.failed;
}

/** The one-paragraph line of a stop: no stack, no code frame (the message is the whole story). */
export function stopParagraph(stop: RunStop): string {
  return `lockbench: not starting (${stop.cause === 'usage' ? 'usage, exit 2' : 'bench not ready, exit 3'}): ${stop.message.replace(/\s*\n\s*/g, ' ')}`;
}

function readJson<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

export const runDir = (env: NodeJS.ProcessEnv = process.env): string | undefined => env.LOCKBENCH_RUN_DIR || undefined;
export const writeStop = (dir: string, stop: RunStop): void => writeFileSync(join(dir, STOP), `${JSON.stringify(stop)}\n`);
export const readStop = (dir: string): RunStop | undefined => readJson<RunStop>(join(dir, STOP));
export const writeSeen = (dir: string, seen: RunSeen): void => writeFileSync(join(dir, SEEN), `${JSON.stringify(seen)}\n`);
export const readSeen = (dir: string): RunSeen | undefined => readJson<RunSeen>(join(dir, SEEN));

/**
 * The run's state directory: `LOCKBENCH_RUN_DIR`, else one per runner process (`runnerPid`: the runner's own pid
 * in a reporter, `process.ppid` in a worker), so workers and reporters of one run share it.
 */
export const runStateDir = (runnerPid: number, env: NodeJS.ProcessEnv = process.env): string => runDir(env) ?? join(tmpdir(), `lockbench-run-${runnerPid}`);
/** Where the settle guard says why it stopped the run. */
export const UNSETTLED_FILE = 'unsettled.txt';
