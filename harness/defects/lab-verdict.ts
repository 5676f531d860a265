import type { TestOutcome } from './kill-matrix.ts';

/**
 * What one lab run must show (DESIGN §11, TEST-PLAN LAB): a firmware variant the contract allows passes with the
 * listed checks green; a seeded defect makes at least one of its catching checks red.
 */
export type LabExpectation =
  | { kind: 'pass'; required: readonly string[] }
  | { kind: 'caught'; caughtBy: readonly string[] };

export interface LabVerdict {
  ok: boolean;
  passed: number;
  failed: number;
  skipped: number;
  /** Check IDs with at least one failed test. */
  redIds: string[];
  /** Check IDs with a passed test and none failed. */
  greenIds: string[];
  /** One line: why the run is right or wrong. */
  reason: string;
  /** What the device did when the settle guard stopped the run (DESIGN §9 Harness), if it did. */
  unsettled?: string;
}

const short = (s: string): string => (s.length > 60 ? `${s.slice(0, 57)}…` : s);
const isFailed = (o: TestOutcome): boolean => o.status === 'failed' || o.status === 'timedOut' || o.status === 'interrupted';

/** What the device did, from the line a run prints when the settle guard stopped it (harness/report/matrix-reporter.ts). */
export function unsettledOf(output: string): string | undefined {
  return /the run stopped: device could not be settled: (.*)/.exec(output)?.[1]?.trim();
}

/**
 * Judge a run from its exit code, its tests' outcomes and, when the settle guard stopped it, what the device
 * did. A seeded device that cannot be settled is caught (exit 1, the device named), whichever tests ran first:
 * `confirmKill` then asks that the same device, clean, settled.
 */
export function judgeLabRun(expect: LabExpectation, exitCode: number | null, outcomes: readonly TestOutcome[], unsettled?: string): LabVerdict {
  const failed = outcomes.filter(isFailed);
  const passed = outcomes.filter((o) => o.status === 'passed' || o.status === 'expected');
  const counts = { passed: passed.length, failed: failed.length, skipped: outcomes.length - passed.length - failed.length };
  const redIds = [...new Set(failed.flatMap((o) => o.checkIds))].sort();
  const green = new Set(passed.flatMap((o) => o.checkIds).filter((id) => !redIds.includes(id)));
  const ids = { redIds, greenIds: [...green].sort() };
  if (expect.kind === 'caught') {
    const caught = expect.caughtBy.filter((id) => redIds.includes(id));
    if (caught.length > 0) return { ok: true, ...counts, ...ids, reason: `killed by ${caught.join(' ')}`, ...(unsettled ? { unsettled } : {}) };
    if (unsettled && exitCode === 1) return { ok: true, ...counts, ...ids, reason: `stopped: the device could not be settled (${short(unsettled)})`, unsettled };
    const ran = outcomes.filter((o) => o.checkIds.some((id) => expect.caughtBy.includes(id)) && !isFailed(o) && o.status !== 'skipped').length;
    return { ok: false, ...counts, ...ids, reason: `SURVIVED: none of ${expect.caughtBy.join('/')} failed (${ran} of their tests passed; exit ${exitCode})` };
  }
  const problems: string[] = [];
  if (exitCode !== 0) problems.push(`exit ${exitCode}`);
  if (failed.length > 0) problems.push(`${failed.length} failed (${[...new Set(failed.flatMap((f) => f.checkIds))].join(' ') || 'untagged'}): ${failed.slice(0, 3).map((f) => short(f.title.split(' › ').pop()!)).join('; ')}${failed.length > 3 ? '; …' : ''}`);
  const missing = expect.required.filter((id) => !green.has(id));
  if (missing.length > 0) problems.push(`not passed: ${missing.join(' ')}`);
  if (outcomes.length === 0) problems.push('no test ran');
  return problems.length
    ? { ok: false, ...counts, ...ids, reason: problems.join('; ') }
    : { ok: true, ...counts, ...ids, reason: `all ${expect.required.length} required checks pass` };
}

/**
 * A kill counts only where the clean device passed: a defect run's red checks that are not green
 * on the clean run prove nothing (the kill matrix's rule that the clean world passes everything).
 */
export function confirmKill(defect: LabVerdict, caughtBy: readonly string[], clean: LabVerdict): LabVerdict {
  if (!defect.ok) return defect;
  // The guard stopped the seeded run: proven when the same device, clean, settled every test and passed.
  if (defect.unsettled) {
    return clean.ok
      ? { ...defect, reason: `killed: the device could not be settled (${short(defect.unsettled)}); the clean device settled and passed` }
      : { ...defect, ok: false, reason: `not proven: the device could not be settled, and its clean run was wrong too (${clean.reason})` };
  }
  const proven = caughtBy.filter((id) => defect.redIds.includes(id) && clean.greenIds.includes(id));
  if (proven.length > 0) return { ...defect, reason: `killed by ${proven.join(' ')}` };
  return { ...defect, ok: false, reason: `not proven: ${caughtBy.filter((id) => defect.redIds.includes(id)).join(' ')} failed on the clean device too` };
}
