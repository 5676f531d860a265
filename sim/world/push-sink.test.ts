import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PushSink, type ReceivedPush } from './push-sink.ts';

test('the sink lists its newest `capacity` pushes, and a listener sees every push as it is taken, refused ones not', () => {
  const sink = new PushSink({ now: () => 1_700_000_000 }, 3);
  const seen: ReceivedPush[] = [];
  const stop = sink.onPush((p) => void seen.push(p));
  for (let i = 0; i < 5; i++) assert.equal(sink.deliver('app', { n: i }), 200);
  sink.failDeliveries(1, 503);
  assert.equal(sink.deliver('app', { n: 'refused' }), 503);
  assert.deepEqual(sink.list().map((p) => p.body), [{ n: 2 }, { n: 3 }, { n: 4 }]);
  assert.deepEqual(seen.map((p) => p.body), [0, 1, 2, 3, 4].map((n) => ({ n })));
  assert.deepEqual(sink.stats, { received: 5, refused: 1, dropped: 2 });
  stop();
  sink.deliver('app', { n: 5 });
  assert.equal(seen.length, 5, 'a stopped listener hears nothing more');
});
