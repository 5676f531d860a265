import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_LAB_STATE, labStatePath, readLastSeq, writeLastSeq } from './lab-state.ts';

// DESIGN §11: the harness's time-sync seq only grows over a device's life, kept in the lab state file.

function withDir(body: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'lockbench-labstate-'));
  try {
    body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the path: LOCKBENCH_LAB_STATE, else .lockbench/lab-state.json', () => {
  assert.equal(labStatePath({}), DEFAULT_LAB_STATE);
  assert.equal(DEFAULT_LAB_STATE, '.lockbench/lab-state.json');
  assert.equal(labStatePath({ LOCKBENCH_LAB_STATE: '/x/y.json' }), '/x/y.json');
});

test('an absent file reads as never synced; a write creates the folder and keeps other locks', () => withDir((dir) => {
  const path = join(dir, 'deep', 'er', 'lab-state.json');
  assert.equal(readLastSeq(path, 7), undefined);
  writeLastSeq(path, 7, 100);
  writeLastSeq(path, 8, 5);
  writeLastSeq(path, 7, 4_000_000_000);
  assert.equal(readLastSeq(path, 7), 4_000_000_000);
  assert.equal(readLastSeq(path, 8), 5);
  assert.equal(readLastSeq(path, 9), undefined);
  assert.deepEqual(readdirSync(join(dir, 'deep', 'er')), ['lab-state.json'], 'no temp file left behind');
}));

test('the record only grows: a lower seq is refused, the file unchanged', () => withDir((dir) => {
  const path = join(dir, 's.json');
  writeLastSeq(path, 7, 100);
  assert.throws(() => writeLastSeq(path, 7, 99), /below the recorded 100/);
  assert.throws(() => writeLastSeq(path, 7, 2 ** 32), RangeError);
  assert.equal(readLastSeq(path, 7), 100);
}));

test('a corrupt or malformed file is an error naming the path, never a silent reset', () => withDir((dir) => {
  const path = join(dir, 's.json');
  writeFileSync(path, '{"lastSeq": {"7": 10');
  assert.throws(() => readLastSeq(path, 7), (e: Error) => e.message.includes(path) && /not JSON/.test(e.message));
  assert.throws(() => writeLastSeq(path, 7, 11), (e: Error) => e.message.includes(path));
  assert.equal(readFileSync(path, 'utf8'), '{"lastSeq": {"7": 10', 'a failed write leaves the file as it was');
  writeFileSync(path, JSON.stringify({ lastSeq: { 7: 'ten' } }));
  assert.throws(() => readLastSeq(path, 7), (e: Error) => e.message.includes(path) && e.message.includes('$.lastSeq.7'));
  writeFileSync(path, '[]');
  assert.throws(() => readLastSeq(path, 7), /\$\.lastSeq must be an object/);
  mkdtempSync(join(dir, 'd'));
  const folder = readdirSync(dir).find((n) => n.startsWith('d'))!;
  assert.throws(() => readLastSeq(join(dir, folder), 7), (e: Error) => e.message.includes('cannot read'));
}));

test('the file format is the lab target\u2019s: {"lastSeq": {lock id: seq}}', () => withDir((dir) => {
  const path = join(dir, 's.json');
  writeFileSync(path, JSON.stringify({ lastSeq: { 4100007: 123 } }));
  assert.equal(readLastSeq(path, 4100007), 123);
  writeLastSeq(path, 5, 9);
  assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), { lastSeq: { 4100007: 123, 5: 9 } });
}));
