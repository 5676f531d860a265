import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { quantile, result } from './stats.ts';
import { table } from './report.ts';
import { areaOf, inclusiveShare, retainedLookupShare } from './profile.ts';
import { compare, compareTable } from './compare.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

test('quantile: nearest rank; empty is NaN', () => {
  const xs = Array.from({ length: 100 }, (_, i) => 100 - i);
  assert.equal(quantile(xs, 0.5), 50);
  assert.equal(quantile(xs, 0.99), 99);
  assert.equal(quantile(xs, 1), 100);
  assert.equal(quantile([7], 0.99), 7);
  assert.ok(Number.isNaN(quantile([], 0.5)));
});

test('result: ratio against the baseline and met from the goal; no goal or no number is null', () => {
  const base = { name: 'b', value: 2, unit: 'ms' };
  assert.deepEqual(result('x', 3, 'ms', base, { on: 'ratio', atMost: 2 }, '≤ 2×'), { name: 'x', value: 3, unit: 'ms', baseline: base, ratio: 1.5, target: '≤ 2×', met: true });
  assert.equal(result('x', 5, 'ms', base, { on: 'ratio', atMost: 2 }).met, false);
  assert.equal(result('x', 1, 'req/s', base, { on: 'ratio', atLeast: 1 / 3 }).met, true);
  assert.equal(result('x', 0.5, 'req/s', base, { on: 'ratio', atLeast: 1 / 3 }).met, false);
  assert.equal(result('x', 6, 's', null, { on: 'value', atMost: 5 }).met, false);
  assert.equal(result('x', NaN, 's', null, { on: 'value', atMost: 5 }).met, null);
  assert.equal(result('x', 1, 's').met, null);
  assert.equal(result('x', 1, 's').ratio, null);
});

test('table: one line per result plus header and rule, NO for a missed target', () => {
  const lines = table([result('a', 1, 'ms', null, { on: 'value', atMost: 0 }, '≤ 0'), result('b', 2, 's')]).split('\n');
  assert.equal(lines.length, 4);
  assert.match(lines[2]!, /^a .* NO$/);
});

test('areaOf: packages, folders, node internals, native', () => {
  assert.equal(areaOf('node_modules/mqtt/build/lib/client.js'), 'npm:mqtt');
  assert.equal(areaOf('node_modules/@scope/pkg/x.js'), 'npm:@scope/pkg');
  assert.equal(areaOf('sim/cloud/cloud.ts'), 'sim/cloud');
  assert.equal(areaOf('node:events'), 'node internals');
  assert.equal(areaOf(''), 'native/VM (syscalls, GC, idle)');
});

const frame = (functionName: string, url = '') => ({ functionName, url, lineNumber: 0 });

test('inclusiveShare: a root and everything under it, counted once when roots nest', () => {
  const profile = {
    nodes: [
      { id: 1, hitCount: 2, children: [2, 4], callFrame: frame('(root)') },
      { id: 2, hitCount: 1, children: [3], callFrame: frame('hot') },
      { id: 3, hitCount: 3, children: [5], callFrame: frame('inner') },
      { id: 4, hitCount: 4, callFrame: frame('other') },
      { id: 5, hitCount: 0, callFrame: frame('hot') },
    ],
  };
  assert.equal(inclusiveShare(profile, (f) => f.functionName === 'hot'), 40);
  assert.equal(inclusiveShare(profile, (f) => f.functionName === 'none'), 0);
  const retained = { nodes: [
    { id: 1, hitCount: 1, children: [2, 3], callFrame: frame('(root)') },
    { id: 2, hitCount: 1, callFrame: frame('retainedMessagesByPattern', 'file:///x/node_modules/aedes-persistence/asyncPersistence.js') },
    { id: 3, hitCount: 2, callFrame: frame('matching', 'file:///x/sim/broker/retained-store.ts') },
  ] };
  assert.equal(retainedLookupShare(retained), 75);
});

test('compare: figures paired by name, factor after/before, figures of only one run kept', () => {
  const before = [result('a', 2, 'ms', null, { on: 'value', atMost: 1 }), result('gone', 1, 's')];
  const after = [result('a', 1, 'ms', null, { on: 'value', atMost: 1 }), result('new', 3, 's')];
  const rows = compare(before, after);
  assert.deepEqual(rows.map((r) => [r.name, r.before, r.after, r.factor, r.metBefore, r.metAfter]), [
    ['a', 2, 1, 0.5, false, true], ['new', null, 3, null, null, null], ['gone', 1, null, null, null, null],
  ]);
  const lines = compareTable(rows).split('\n');
  assert.equal(lines.length, 5);
  assert.match(lines[2]!, /^a .* 0\.500× .* NO → yes$/);
});

test('npm run bench -- --quick writes well-formed JSON (asserts no timing)', { timeout: 90_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lockbench-bench-'));
  const out = join(dir, 'bench.json');
  try {
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/run.ts'), '--quick', '--out', out], { cwd: ROOT, stdio: ['ignore', 'ignore', 'ignore'] });
      const timer = setTimeout(() => child.kill('SIGKILL'), 85_000);
      child.on('close', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    assert.equal(code, 0, 'the quick bench exits 0 by itself');
    const report = JSON.parse(await readFile(out, 'utf8'));
    assert.equal(report.quick, true);
    assert.ok(Number.isInteger(report.machine.cpus) && report.machine.cpus > 0);
    assert.equal(typeof report.machine.node, 'string');
    assert.ok(Array.isArray(report.notes) && report.notes.every((n: unknown) => typeof n === 'string'));
    assert.ok(!report.notes.some((n: string) => / failed: /.test(n) && !/opens failed|state\/get failed/.test(n)), `no section failed: ${report.notes.join('\n')}`);
    assert.ok(Array.isArray(report.results) && report.results.length >= 8);
    const names = new Set<string>();
    for (const r of report.results) {
      assert.equal(typeof r.name, 'string');
      assert.ok(!names.has(r.name), `unique name ${r.name}`);
      names.add(r.name);
      assert.ok(Number.isFinite(r.value), `${r.name} value is finite`);
      assert.equal(typeof r.unit, 'string');
      assert.ok(r.met === null || typeof r.met === 'boolean');
      assert.ok(r.ratio === null || Number.isFinite(r.ratio), `${r.name} ratio`);
      if (r.baseline !== null) {
        assert.equal(typeof r.baseline.name, 'string');
        assert.ok(Number.isFinite(r.baseline.value) && r.baseline.value > 0, `${r.name} baseline value`);
        assert.equal(typeof r.baseline.unit, 'string');
      }
    }
    for (const want of ['remote open p50', 'remote open p99']) assert.ok(names.has(want), want);
    assert.ok([...names].some((n) => n.startsWith('remote open throughput')));
    assert.ok([...names].some((n) => /^fleet .*: ready/.test(n)));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
