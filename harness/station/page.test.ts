/**
 * The station page's drawing of LAB-05's fit (docs/evidence.md §14): read back from the test's `clock accuracy`
 * sentence, then drawn as a line with its ± uncertainty band between the ± limit lines (DESIGN §11: a fail is a
 * drift beyond the limit by more than its uncertainty, so the band against the limits is the verdict drawn).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { verdict } from '../serial/clock-accuracy.ts';
import { fitGeometry, fitOf } from './page.ts';

test('the fit is read back from the sentence LAB-05 writes, either sign, within or beyond the limit', () => {
  const fast = verdict({ ppm: 12.34, uncertaintyPpm: 40.06, intervalS: 30.02 }, 100);
  assert.deepEqual(fitOf(fast.sentence), { ppm: 12.3, uncertaintyPpm: 40.1, intervalS: 30, maxPpm: 100 });
  const slow = verdict({ ppm: -250, uncertaintyPpm: 20, intervalS: 31.5 }, 100);
  assert.deepEqual(fitOf(slow.sentence), { ppm: -250, uncertaintyPpm: 20, intervalS: 31.5, maxPpm: 100 });
  assert.equal(fitOf('LAB-05 window shaded: no sync inside it'), undefined);
});

test('the fit drawn: the line ends at ppm × interval, the band holds it, the limits sit symmetric, all inside the box', () => {
  const W = 420;
  const H = 90;
  const g = fitGeometry({ ppm: -250, uncertaintyPpm: 20, intervalS: 30, maxPpm: 100 }, W, H);
  // Drift −250 ppm over 30 s is −7.5 ms: the line falls from the middle (the device loses time).
  const [x1, y1, x2, y2] = g.line;
  assert.equal(y1, 16 + (H - 16) / 2, 'zero in the middle below the label');
  assert.ok(y2 > y1, 'a device losing time is drawn below zero (SVG y grows downwards)');
  assert.ok(Math.abs(g.spanMs - 1.1 * 270 * 30 / 1000) < 1e-9, 'the scale holds the band with 10 % room');
  const band = g.band.split(' ').map((p) => p.split(',').map(Number));
  assert.deepEqual(band[0], [x1, y1], 'the band starts where the line starts (no gain at the window\'s start)');
  assert.ok(band[1]![0] === x2 && band[2]![0] === x2 && Math.min(band[1]![1]!, band[2]![1]!) < y2 && y2 < Math.max(band[1]![1]!, band[2]![1]!), 'the band holds the line\'s end');
  const [hi, lo] = g.limits;
  assert.ok(Math.abs((y1 - hi) - (lo - y1)) < 1e-9 && hi < y1 && hi > 16, 'the ± limit lines are symmetric about zero, below the label');
  assert.ok(y2 > lo, 'a drift beyond the limit is drawn beyond the limit line');
  for (const y of [y1, y2, hi, lo, ...band.map((p) => p[1]!)]) assert.ok(y >= 16 && y <= H, `inside the box, below the label: ${y}`);
});
