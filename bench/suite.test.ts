import { test } from 'node:test';
import assert from 'node:assert/strict';
import { steadyPerTestMs, testTimes, timeSpread } from './suite.ts';

// Issue 27 item 5: the suite section says where the test time goes (no timing asserted: a made-up report).

test('test times are read from every nested suite of a Playwright JSON report, slowest first, and spread into median and top share', () => {
  const report = {
    suites: [{
      specs: [{ title: 'a', file: 'x.spec.ts', tests: [{ results: [{ duration: 10 }] }] }],
      suites: [{ specs: [{ title: 'b', file: 'y.spec.ts', tests: [{ results: [{ duration: 70 }] }, { results: [{ duration: 20 }] }] }] }],
    }],
  };
  const times = testTimes(report);
  assert.deepEqual(times, [{ title: 'y.spec.ts › b', ms: 70 }, { title: 'y.spec.ts › b', ms: 20 }, { title: 'x.spec.ts › a', ms: 10 }]);
  const spread = timeSpread(times, 1);
  assert.equal(spread.medianMs, 20);
  assert.equal(spread.totalMs, 100);
  assert.equal(spread.topShare, 0.7);
  assert.deepEqual(spread.slowest, [{ title: 'y.spec.ts › b', ms: 70 }]);
  assert.equal(timeSpread([...times, { title: 'z', ms: 30 }]).medianMs, 25, 'an even count takes the mean of the middle two');
});

test('the steady time per test spans the first test start to the last test end, over every result that ran', () => {
  const at = (ms: number): string => new Date(Date.UTC(2026, 0, 1) + ms).toISOString();
  const report = {
    suites: [{
      specs: [{ title: 'a', tests: [{ results: [{ duration: 10, startTime: at(1000) }] }, { results: [{ duration: 50, startTime: at(1005) }] }] }],
      suites: [{ specs: [{ title: 'b', tests: [{ results: [{ duration: 30, startTime: at(1040) }] }, { results: [{ duration: 5 }] }] }] }],
    }],
  };
  // From 1000 to 1070 (1040 + 30), over the 3 results with a start time.
  assert.equal(steadyPerTestMs(report), 70 / 3);
  assert.ok(Number.isNaN(steadyPerTestMs({ suites: [] })), 'no test: no figure');
});
