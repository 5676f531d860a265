import assert from 'node:assert/strict';
import { test } from 'node:test';
import { heapByConstructor, type HeapSnapshot } from './heap-by-constructor.ts';

// The breakdown behind the bench's per-lock memory notes (DESIGN §13): self sizes summed by constructor.
test('heapByConstructor: objects by constructor, closures by name, other nodes by type; largest first', () => {
  const snapshot: HeapSnapshot = {
    snapshot: { meta: { node_fields: ['type', 'name', 'id', 'self_size', 'edge_count'], node_types: [['hidden', 'array', 'string', 'object', 'code', 'closure']] } },
    strings: ['VirtualLock', 'Battery', 'onEvent', 'abc'],
    nodes: [
      3, 0, 1, 120, 0,
      3, 0, 2, 120, 0,
      3, 1, 3, 40, 0,
      5, 2, 4, 32, 0,
      2, 3, 5, 300, 0,
    ],
  };
  assert.deepEqual(heapByConstructor(snapshot), [
    { name: '(string)', count: 1, bytes: 300 },
    { name: 'VirtualLock', count: 2, bytes: 240 },
    { name: 'Battery', count: 1, bytes: 40 },
    { name: 'closure onEvent', count: 1, bytes: 32 },
  ]);
});

test('heapByConstructor: a snapshot without self_size is an error naming the field', () => {
  const bad: HeapSnapshot = { snapshot: { meta: { node_fields: ['type', 'name'], node_types: [['object']] } }, strings: [], nodes: [] };
  assert.throws(() => heapByConstructor(bad), /self_size/);
});
