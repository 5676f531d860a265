import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EXIT, exitCodeOf, stopParagraph } from './run-outcome.ts';

// README "Exit codes": a CI job tells "fix the bench" (3) and "fix the invocation" (2) from "fix the firmware" (1).

test('exit codes by cause: 0 pass, 1 a check failed, 2 usage, 3 bench not ready, 4 aborted by a signal', () => {
  const seen = (testsBegun: number, unsettled?: string) => ({ testsBegun, status: 'x', ...(unsettled ? { unsettled } : {}) });
  assert.equal(exitCodeOf(0, undefined, seen(10)), EXIT.pass);
  assert.equal(exitCodeOf(1, undefined, seen(10)), EXIT.failed);
  assert.equal(exitCodeOf(1, undefined, seen(3, 'answered 364')), EXIT.failed, 'a device that cannot be settled is the device');
  assert.equal(exitCodeOf(1, { cause: 'bench', message: 'LOCKBENCH_SERIAL missing' }, seen(0)), EXIT.bench);
  assert.equal(exitCodeOf(1, { cause: 'usage', message: 'LOCKBENCH_DEFECTS on lab' }, undefined), EXIT.usage);
  assert.equal(exitCodeOf(1, undefined, undefined), EXIT.usage, 'Playwright refused a flag or the config: no test began');
  assert.equal(exitCodeOf(1, undefined, seen(0)), EXIT.usage, '--grep matched nothing');
  assert.equal(exitCodeOf(0, undefined, undefined), EXIT.pass, '--list');
  assert.equal(exitCodeOf(1, undefined, { testsBegun: 4, status: 'interrupted' }), EXIT.aborted, 'a signal stopped the run after 4 tests');
  assert.deepEqual(Object.values(EXIT), [0, 1, 2, 3, 4]);
});

test('a stop is one paragraph: no line breaks, no stack frames, says its exit code', () => {
  const p = stopParagraph({ cause: 'bench', message: 'port absent\n  check the cable\n' });
  assert.doesNotMatch(p, /\n|\bat .*\.ts:\d+/);
  assert.match(p, /bench not ready, exit 3\): port absent check the cable/);
});
