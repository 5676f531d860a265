import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isWholeSuite, runScope, shardsMakeWholeSuite, type RunScope } from './run-scope.ts';
import { shardOfArgv } from './shard-records.ts';

const ALL = { grep: /.*/, grepInvert: null, shard: null };
const argv = (...a: string[]) => ['node', 'cli.js', 'test', ...a];

test('a plain run, or one with only output flags, is the whole suite (DESIGN §13)', () => {
  for (const a of [[], ['--workers', '4'], ['-j', '2', '--reporter', 'list'], ['--project', 'sim · kexin-2017-03'], ['--retries=1', '--trace', 'on']]) {
    assert.ok(isWholeSuite(runScope(argv(...a), ALL)), a.join(' '));
  }
});

test('--grep, --last-failed, a file, a config grep and a shard are part of the suite', () => {
  const parts: [string[], typeof ALL | { grep: RegExp; grepInvert: null; shard: { current: number; total: number } | null }][] = [
    [['--grep', '@PWD-05'], ALL], [['-g', '@PWD-05'], ALL], [['--grep=@PWD-05'], ALL], [['--last-failed'], ALL],
    [['specs/pwd-window.spec.ts'], ALL], [['--workers', '2', 'pwd'], ALL], [['--grep-invert', 'slow'], ALL], [['--only-changed'], ALL],
    [[], { grep: /@PWD/, grepInvert: null, shard: null }], [['--shard', '1/3'], { ...ALL, shard: { current: 1, total: 3 } }],
  ];
  for (const [a, cfg] of parts) assert.ok(!isWholeSuite(runScope(argv(...a), cfg)), a.join(' ') || String(cfg.grep));
  // The value of a value-taking flag is not a file filter.
  assert.deepEqual(runScope(argv('--workers', '4', '--reporter', 'dot'), ALL).filters, []);
  assert.deepEqual(runScope(argv('--grep', '@PWD-05'), ALL).filters, ['--grep @PWD-05']);
});

test('shards make the whole suite only when every shard 1…N of one N ran unnarrowed', () => {
  const s = (current: number, total: number, filters: string[] = []): RunScope => ({ shard: { current, total }, filters });
  assert.ok(shardsMakeWholeSuite([s(1, 3), s(2, 3), s(3, 3)]));
  assert.ok(shardsMakeWholeSuite([s(3, 3), s(1, 3), s(2, 3), s(2, 3)]));
  assert.ok(!shardsMakeWholeSuite([s(1, 3), s(3, 3)]));
  assert.ok(!shardsMakeWholeSuite([s(1, 2), s(2, 3), s(3, 3), s(1, 3)]));
  assert.ok(!shardsMakeWholeSuite([s(1, 2), s(2, 2, ['--grep @GW'])]));
  assert.ok(!shardsMakeWholeSuite([]));
  assert.ok(shardsMakeWholeSuite([{ shard: null, filters: [] }]));
});

test('shardOfArgv reads both spellings', () => {
  assert.deepEqual(shardOfArgv(argv('--shard', '2/3')), { current: 2, total: 3 });
  assert.deepEqual(shardOfArgv(argv('--shard=1/4')), { current: 1, total: 4 });
  assert.equal(shardOfArgv(argv('--grep', 'x')), null);
});
