import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LAB_STATE_DEFAULT, firstLinkSeq, labStatePath, loadLabState, saveLabSeq, saveLinkSeq } from './lab-state.ts';

// DESIGN §11: the harness's time-sync seq only grows over a device's life, kept in the lab state file;
// the lockwire seqs of its links continue across runs (DESIGN §6 is silent; lab-state.ts says why).

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
  ] as const) {
    writeFileSync(path, body);
    assert.throws(() => loadLabState(path), (e: Error) => e.message.includes(path) && why.test(e.message), body);
  }
  const folder = mkdtempSync(join(dir, 'd'));
  assert.throws(() => loadLabState(folder), /cannot read it/);
}));

test('lockwire seqs: a new link starts after the last reserved one, never at 0, and the time-sync record is kept', () => withDir((dir) => {
  const path = join(dir, 's.json');
  assert.equal(firstLinkSeq(path, 7), 1, 'never linked: from 1');
  saveLabSeq(path, 7, 900);
  saveLinkSeq(path, 7, 64);
  saveLinkSeq(path, 8, 255);
  assert.equal(firstLinkSeq(path, 7), 65);
  assert.equal(firstLinkSeq(path, 8), 1, 'past 255 it wraps to 1');
  saveLinkSeq(path, 8, 0);
  assert.equal(firstLinkSeq(path, 8), 1);
  saveLinkSeq(path, 8, 3);
  assert.equal(firstLinkSeq(path, 8), 4, 'wrapping, the record follows the link down');
  assert.throws(() => saveLinkSeq(path, 7, 256), RangeError);
  assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), { lastSeq: { 7: 900 }, linkSeq: { 7: 64, 8: 3 } });
}));
