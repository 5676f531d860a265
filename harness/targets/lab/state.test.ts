import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LAB_STATE_DEFAULT, LabState, labStatePath, loadLabState } from './state.ts';

const saveLabSeq = (path: string, lockId: number, seq: number): void => new LabState(path).recordSeq(lockId, seq);

// DESIGN §11: the harness's time-sync seq only grows over a device's life, kept in the lab state file
// with its lockwire seq space (DESIGN §6 "Answer caches") and the latest lock time the device showed.

function withDir(body: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'lockbench-labstate-'));
  try {
    body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('LOCKBENCH_LAB_STATE names the file; the default is under .lockbench/', () => {
  assert.equal(labStatePath({}), LAB_STATE_DEFAULT);
  assert.equal(LAB_STATE_DEFAULT, '.lockbench/lab-state.json');
  assert.equal(labStatePath({ LOCKBENCH_LAB_STATE: '/x/y.json' }), '/x/y.json');
});

test('absent is never synced; a write creates the folder, keeps other locks and leaves no temp file', () => withDir((dir) => {
  const path = join(dir, 'deep', 'er', 'lab-state.json');
  assert.deepEqual(loadLabState(path), { lastSeq: {} });
  saveLabSeq(path, 7, 100);
  saveLabSeq(path, 8, 5);
  saveLabSeq(path, 7, 4_000_000_000);
  assert.deepEqual(loadLabState(path).lastSeq, { 7: 4_000_000_000, 8: 5 });
  assert.deepEqual(readdirSync(join(dir, 'deep', 'er')), ['lab-state.json'], 'no temp file left behind');
}));

test('the time-sync record only grows: a lower seq never overwrites a higher one; a seq is a uint32', () => withDir((dir) => {
  const path = join(dir, 's.json');
  saveLabSeq(path, 3001, 17);
  saveLabSeq(path, 3001, 12);
  assert.deepEqual(loadLabState(path).lastSeq, { 3001: 17 });
  assert.throws(() => saveLabSeq(path, 3001, 2 ** 32), RangeError);
  assert.throws(() => saveLabSeq(path, 3001, -1), RangeError);
  assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), { lastSeq: { 3001: 17 } });
}));

test('a broken file is an error naming the file and the JSON path, never a silent restart at seq 1', () => withDir((dir) => {
  const path = join(dir, 's.json');
  writeFileSync(path, '{"lastSeq": {"7": 10');
  assert.throws(() => loadLabState(path), (e: Error) => e.message.includes(path) && /not JSON/.test(e.message));
  assert.throws(() => saveLabSeq(path, 7, 11), (e: Error) => e.message.includes(path));
  assert.equal(readFileSync(path, 'utf8'), '{"lastSeq": {"7": 10', 'a failed write leaves the file as it was');
  for (const [body, why] of [
    ['{"lastSeq": {"3001": -1}}', /\$\.lastSeq\.3001 must be a uint32/],
    ['{"lastSeq": {"7": "ten"}}', /\$\.lastSeq\.7 must be a uint32/],
    ['{"lastSeq": {"main": 3}}', /\$\.lastSeq\.main must be a uint32/],
    ['{"lastSeq": []}', /\$\.lastSeq must be an object/],
    ['{}', /\$\.lastSeq must be an object/],
    ['[]', /\$ must be an object/],
    ['{"lastSeq": {}, "linkSeq": {"7": 256}}', /\$\.linkSeq\.7 must be a u8/],
    ['{"lastSeq": {}, "linkSeq": 3}', /\$\.linkSeq must be an object/],
    ['{"lastSeq": {}, "link": {"7": {"last": 300, "uses": {}}}}', /\$\.link\.7 must be/],
    ['{"lastSeq": {}, "link": {"7": {"last": 3, "uses": {"3": [1, 2]}}}}', /\$\.link\.7\.uses\.3 must be/],
    ['{"lastSeq": {}, "lockTime": {"7": -3}}', /\$\.lockTime\.7 must be a uint32/],
  ] as const) {
    writeFileSync(path, body);
    assert.throws(() => loadLabState(path), (e: Error) => e.message.includes(path) && why.test(e.message), body);
  }
  const folder = mkdtempSync(join(dir, 'd'));
  assert.throws(() => loadLabState(folder), /cannot read it/);
}));

test('the seq space and the latest lock time outlive the process; an older file\'s linkSeq is where the seqs continue', () => withDir((dir) => {
  const path = join(dir, 's.json');
  const a = new LabState(path);
  a.recordSeq(7, 900);
  const ledger = a.ledger(7);
  ledger.use(12, { atMs: 1_000_000, key: 'abc' });
  ledger.use(13, { atMs: 1_000_050, key: 'def' });
  a.noteLockTime(7, 1_800_000_000);
  a.noteLockTime(7, 1_700_000_000);
  const b = new LabState(path);
  assert.equal(b.lastSeq(7), 900);
  assert.deepEqual(b.ledger(7).last(12), { atMs: 1_000_000, key: 'abc' });
  assert.equal(b.ledger(7).lastSeq, 13);
  assert.equal(b.ledger(8).lastSeq, 0, 'another lock starts empty');
  assert.equal(b.lockTime(7), 1_800_000_000, 'only a later lock time replaces the record');
  writeFileSync(path, '{"lastSeq": {"7": 5}, "linkSeq": {"7": 64}}');
  const old = new LabState(path);
  assert.equal(old.ledger(7).lastSeq, 64);
  assert.equal(old.lastSeq(7), 5);
}));
