import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TestOutcome } from './kill-matrix.ts';
import { confirmKill, judgeLabRun, unsettledOf } from './lab-verdict.ts';

const o = (id: string, status: string, title = `t ${id}`): TestOutcome => ({ project: 'lab · kexin-2017-03', checkIds: [id], title: `file › ${title}`, status });

test('a variant run passes only with exit 0, nothing failed and every required check green', () => {
  const good = [o('PWD-05', 'passed'), o('LAB-05', 'passed'), o('PWD-06', 'skipped')];
  const v = judgeLabRun({ kind: 'pass', required: ['PWD-05', 'LAB-05'] }, 0, good);
  assert.deepEqual({ ok: v.ok, passed: v.passed, failed: v.failed, skipped: v.skipped }, { ok: true, passed: 2, failed: 0, skipped: 1 });
  assert.equal(judgeLabRun({ kind: 'pass', required: ['PWD-05'] }, 1, good).ok, false, 'exit code');
  const skippedRequired = judgeLabRun({ kind: 'pass', required: ['PWD-05', 'PWD-06'] }, 0, good);
  assert.equal(skippedRequired.ok, false);
  assert.match(skippedRequired.reason, /not passed: PWD-06/);
  const mixed = judgeLabRun({ kind: 'pass', required: ['PWD-05'] }, 1, [...good, o('PWD-05', 'failed', 'boundary')]);
  assert.equal(mixed.ok, false);
  assert.match(mixed.reason, /1 failed \(PWD-05\): boundary; not passed: PWD-05/);
  assert.equal(judgeLabRun({ kind: 'pass', required: [] }, 0, []).ok, false, 'no test ran');
});

test('a defect run is right when one of its catching checks is red, whatever else failed', () => {
  const run = [o('LAB-03', 'failed'), o('LAB-01', 'passed')];
  const v = judgeLabRun({ kind: 'caught', caughtBy: ['LAB-03'] }, 1, run);
  assert.equal(v.ok, true);
  assert.equal(v.reason, 'killed by LAB-03');
  assert.deepEqual(v.redIds, ['LAB-03']);
  const timedOut = judgeLabRun({ kind: 'caught', caughtBy: ['PWD-07', 'V2-05'] }, 1, [o('V2-05', 'timedOut')]);
  assert.equal(timedOut.ok, true);
  const survived = judgeLabRun({ kind: 'caught', caughtBy: ['PWD-05'] }, 1, [o('PWD-05', 'passed'), o('PWD-01', 'failed')]);
  assert.equal(survived.ok, false);
  assert.match(survived.reason, /SURVIVED: none of PWD-05 failed \(1 of their tests passed/);
});

test('a kill is confirmed only by a check the clean device passed', () => {
  const clean = judgeLabRun({ kind: 'pass', required: [] }, 1, [o('PWD-07', 'passed'), o('V2-05', 'failed')]);
  const defect = judgeLabRun({ kind: 'caught', caughtBy: ['PWD-07', 'V2-05'] }, 1, [o('PWD-07', 'failed'), o('V2-05', 'failed')]);
  assert.equal(confirmKill(defect, ['PWD-07', 'V2-05'], clean).reason, 'killed by PWD-07');
  const onlyV2 = judgeLabRun({ kind: 'caught', caughtBy: ['V2-05'] }, 1, [o('V2-05', 'failed')]);
  const v = confirmKill(onlyV2, ['V2-05'], clean);
  assert.equal(v.ok, false);
  assert.match(v.reason, /not proven: V2-05 failed on the clean device too/);
});

test('a seeded device the settle guard stopped is caught, proven by its clean run having settled and passed — whichever checks failed first', () => {
  // The CI case: a variant without Bluetooth skips LAB-02 and DRIFT-02 when clean; seeded, their settles failed first.
  const line = 'conformance: the run stopped: device could not be settled: 3 settles in a row failed the same way: lab settle: the code valid now was answered bad_password (want ok)';
  const unsettled = unsettledOf(`…\n${line}\n`);
  assert.match(unsettled ?? '', /^3 settles in a row/);
  const seeded = [o('DRIFT-02', 'failed'), o('LAB-02', 'failed'), o('DRIFT-02', 'failed', 't2'), o('TSYNC-02', 'skipped')];
  const cleanOk = judgeLabRun({ kind: 'pass', required: ['TSYNC-02'] }, 0, [o('TSYNC-02', 'passed'), o('LAB-02', 'skipped'), o('DRIFT-02', 'skipped')]);
  const caughtBy = ['TSYNC-02', 'DRIFT-02', 'LAB-02'];
  const v = confirmKill(judgeLabRun({ kind: 'caught', caughtBy }, 1, seeded, unsettled), caughtBy, cleanOk);
  assert.equal(v.ok, true, v.reason);
  assert.match(v.reason, /killed: the device could not be settled .*the clean device settled and passed/);
  // Without the guard's line the same red checks prove nothing: the clean device never ran them.
  assert.match(confirmKill(judgeLabRun({ kind: 'caught', caughtBy }, 1, seeded), caughtBy, cleanOk).reason, /not proven/);
  // A clean run that was itself wrong proves nothing either.
  const cleanWrong = judgeLabRun({ kind: 'pass', required: ['TSYNC-02'] }, 1, [o('TSYNC-02', 'failed')]);
  assert.equal(confirmKill(judgeLabRun({ kind: 'caught', caughtBy }, 1, seeded, unsettled), caughtBy, cleanWrong).ok, false);
  // A stop on a device that was not caught by anything still needs the run to have failed.
  assert.equal(judgeLabRun({ kind: 'caught', caughtBy: ['PWD-07'] }, 0, [o('PWD-01', 'skipped')], unsettled).ok, false);
});
