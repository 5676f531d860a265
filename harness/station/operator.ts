/**
 * Checks that need a person at the bench (`--operator`): the instruction goes to the station page (and the
 * terminal) with a "done" button and a timeout; the answer and its times go into the test's wire log and its
 * report annotations. Without `--operator` such a check skips with that reason — never a silent pass.
 */
import type { WireLog } from '../client/wire-log.ts';
import type { BenchFacet } from '../targets/core/facets.ts';
import { askOperator, operatorPresent } from './feed.ts';

/** How long a person has for one action, ms (long enough to find a cable; STYLE §18: bounded). */
export const OPERATOR_TIMEOUT_MS = 120_000;

export interface OperatorHooks {
  testId: string;
  wire: WireLog;
  annotate: (description: string) => void;
  skip: (reason: string) => never;
}

export interface Operator {
  /** Whether a person is at the bench (`--operator`). */
  readonly present: boolean;
  /** How long the person has for one action, ms (a check that asks sizes its own timeout by it). */
  readonly timeoutMs: number;
  /** Ask for `instruction` and wait for "done"; skips without `--operator`, fails on a timeout. */
  ask(step: string, instruction: string, timeoutMs?: number): Promise<void>;
  /** The bench's cable pulled and put back by hand (TEST-PLAN LAB-04 without a bench-control server). */
  bench(cable: string): BenchFacet;
  /** A device's power switched off and back on by hand (TEST-PLAN GWP-05 on a gateway the harness does not run). */
  power(device: string): PowerSwitch;
}

export interface PowerSwitch {
  off(): Promise<void>;
  on(): Promise<void>;
}

export function operatorOf(hooks: OperatorHooks, present = operatorPresent()): Operator {
  const ask = async (step: string, instruction: string, timeoutMs = OPERATOR_TIMEOUT_MS): Promise<void> => {
    if (!present) hooks.skip(`needs a person at the bench: run with --operator to be asked "${instruction}"`);
    const a = await askOperator(hooks.testId, `${hooks.testId}-${step}`, instruction, timeoutMs, hooks.wire);
    hooks.annotate(`${instruction}: ${a.answer} after ${a.afterMs} ms`);
    if (a.answer !== 'done') throw new Error(`the operator did not press "done" within ${timeoutMs} ms: ${instruction}`);
  };
  return {
    present,
    timeoutMs: OPERATOR_TIMEOUT_MS,
    ask,
    bench(cable) {
      if (!present) hooks.skip(`needs a bench-control server (LOCKBENCH_BENCH_CONTROL) or a person at the bench (--operator) to unplug ${cable}`);
      return {
        unplug: () => ask('unplug', `Unplug ${cable} now, then press done.`),
        replug: () => ask('replug', `Plug ${cable} back in, then press done.`),
      };
    },
    power(device) {
      // Skip before the check does anything: its set-up (events before the cut) is wasted without a person.
      if (!present) hooks.skip(`needs a person at the bench (--operator) to switch ${device} off and on`);
      return {
        off: () => ask('power-off', `Switch ${device} off (pull its power, no clean shutdown), then press done.`),
        on: () => ask('power-on', `Switch ${device} back on, then press done.`),
      };
    },
  };
}
