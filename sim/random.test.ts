import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSeed, seededRng } from './random.ts';

const draws = (seed: number, name: string, n = 20): number[] => {
  const r = seededRng(seed).fork(name);
  return Array.from({ length: n }, () => r.int(0, 1_000_000));
};

test('one seed gives the same draws every time; another seed gives others', () => {
  assert.deepEqual(draws(42, 'cloud'), draws(42, 'cloud'));
  assert.notDeepEqual(draws(42, 'cloud'), draws(43, 'cloud'));
});

test('forks are independent of each other and of draws made before forking', () => {
  assert.notDeepEqual(draws(42, 'cloud'), draws(42, 'radio'));
  const root = seededRng(42);
  for (let i = 0; i < 100; i++) root.next();
  const after = root.fork('cloud');
  assert.deepEqual(Array.from({ length: 20 }, () => after.int(0, 1_000_000)), draws(42, 'cloud'));
});

test('int stays in [min, max) and covers it', () => {
  const r = seededRng(7);
  const seen = new Set<number>();
  for (let i = 0; i < 2000; i++) {
    const v = r.int(3, 9);
    assert.ok(v >= 3 && v < 9, `${v}`);
    seen.add(v);
  }
  assert.equal(seen.size, 6);
  assert.throws(() => r.int(5, 5), /max > min/);
});

test('LOCKBENCH_SEED: absent is undefined, junk names the variable', () => {
  assert.deepEqual(parseSeed(undefined), { ok: true, seed: undefined });
  assert.deepEqual(parseSeed('123'), { ok: true, seed: 123 });
  for (const bad of ['-1', '1.5', 'abc', '4294967296']) {
    const r = parseSeed(bad);
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.error : '', /LOCKBENCH_SEED must be an integer/);
  }
  assert.throws(() => seededRng(-1), /seed must be/);
});
