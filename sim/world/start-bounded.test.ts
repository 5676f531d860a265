import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startBounded } from './start-bounded.ts';

/** A start that resolves when the test says so, recording what is under way. */
function gated() {
  const started: number[] = [];
  const open = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  let peak = 0;
  const start = (i: number): Promise<void> => new Promise<void>((resolve, reject) => {
    started.push(i);
    open.set(i, { resolve: () => { open.delete(i); resolve(); }, reject: (e) => { open.delete(i); reject(e); } });
    peak = Math.max(peak, open.size);
  });
  return { started, open, start, peak: () => peak };
}

const ticks = async (n = 5): Promise<void> => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

test('starts every item in order, never more than the limit at once, refilling as each one ends', async () => {
  const g = gated();
  const done = startBounded([0, 1, 2, 3, 4, 5, 6], 3, g.start);
  await ticks();
  assert.deepEqual(g.started, [0, 1, 2]);
  g.open.get(1)!.resolve();
  await ticks();
  assert.deepEqual(g.started, [0, 1, 2, 3], 'a lane refills as soon as its item ends, without waiting for the others');
  while (g.open.size > 0) {
    for (const o of [...g.open.values()]) o.resolve();
    await ticks();
  }
  await done;
  assert.deepEqual(g.started, [0, 1, 2, 3, 4, 5, 6]);
  assert.equal(g.peak(), 3);
});

test('the first failure stops further starts, waits for those under way, then is thrown', async () => {
  const g = gated();
  let settled = false;
  const done = startBounded([0, 1, 2, 3, 4, 5], 2, g.start).finally(() => { settled = true; });
  await ticks();
  g.open.get(0)!.reject(new Error('gateway 0 refused'));
  await ticks();
  assert.deepEqual(g.started, [0, 1], 'nothing new starts after a failure');
  assert.equal(settled, false, 'item 1 is still under way');
  g.open.get(1)!.resolve();
  await assert.rejects(done, /gateway 0 refused/);
  assert.deepEqual(g.started, [0, 1]);
});

test('no items: resolves at once; a bad limit is refused', async () => {
  await startBounded([], 50, () => Promise.reject(new Error('never called')));
  await assert.rejects(startBounded([1], 0, async () => {}), /limit must be an integer ≥ 1, got 0/);
});
