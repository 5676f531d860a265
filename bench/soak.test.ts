import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compare } from './soak-compare.ts';

test('soak compare counts lost, duplicated and reordered pushes against what happened', () => {
  assert.deepEqual(compare(['a', 'b', 'c'], ['a', 'b', 'c']), { lost: 0, duplicated: 0, reordered: 0 });
  assert.deepEqual(compare(['a', 'b', 'c'], ['a', 'c']), { lost: 1, duplicated: 0, reordered: 0 });
  assert.deepEqual(compare(['a', 'b'], ['a', 'a', 'b']), { lost: 0, duplicated: 1, reordered: 0 });
  assert.deepEqual(compare(['a', 'b', 'c'], ['b', 'a', 'c']), { lost: 0, duplicated: 0, reordered: 2 });
  assert.deepEqual(compare(['x', 'x'], ['x']), { lost: 1, duplicated: 0, reordered: 0 });
});
