import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CommandDedup } from './command-dedup.ts';

test('a new id, then in progress, then done with its ack', () => {
  const d = new CommandDedup<string>(256);
  assert.deepEqual(d.begin('a'), { kind: 'new' });
  assert.deepEqual(d.begin('a'), { kind: 'in_progress' });
  d.finish('a', 'ack-a');
  assert.deepEqual(d.begin('a'), { kind: 'done', ack: 'ack-a' });
});

test('remembers exactly the last 256 ids (DESIGN §4)', () => {
  const d = new CommandDedup<number>();
  for (let i = 0; i < 257; i++) {
    d.begin(`id-${i}`);
    d.finish(`id-${i}`, i);
  }
  assert.equal(d.size, 256);
  assert.deepEqual(d.begin('id-0'), { kind: 'new' }, 'the oldest id was forgotten');
  assert.deepEqual(d.begin('id-2'), { kind: 'done', ack: 2 });
  assert.deepEqual(d.begin('id-256'), { kind: 'done', ack: 256 });
});

test('finish of an evicted id does not bring it back', () => {
  const d = new CommandDedup<string>(2);
  d.begin('a');
  d.begin('b');
  d.begin('c');
  d.finish('a', 'late');
  assert.equal(d.size, 2);
  assert.deepEqual(d.begin('a'), { kind: 'new' });
});

test('capacity must be a positive integer', () => {
  assert.throws(() => new CommandDedup(0), RangeError);
  assert.throws(() => new CommandDedup(1.5), RangeError);
});

test('property: matches a model of "the last N distinct ids by first arrival"', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 8 }), fc.array(fc.integer({ min: 0, max: 12 }), { maxLength: 200 }), (cap, ids) => {
      const d = new CommandDedup<number>(cap);
      const model: { id: string; ack: number }[] = [];
      ids.forEach((n, step) => {
        const id = `c${n}`;
        const hit = model.find((e) => e.id === id);
        const got = d.begin(id);
        if (hit) {
          assert.deepEqual(got, { kind: 'done', ack: hit.ack });
        } else {
          assert.deepEqual(got, { kind: 'new' });
          d.finish(id, step);
          model.push({ id, ack: step });
          if (model.length > cap) model.shift();
        }
        assert.equal(d.size, model.length);
      });
    }),
  );
});
