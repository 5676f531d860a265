import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testTimes, timeSpread } from './suite.ts';

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
