import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LAB_STATE_DEFAULT, labStatePath, loadLabState, saveLabSeq } from './lab-state.ts';

test('the lab state keeps the highest seq per lock across writes, in a new directory if need be (DESIGN §11)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lab-state-'));
  try {
    const path = join(dir, 'sub', 'state.json');
    assert.deepEqual(loadLabState(path), { lastSeq: {} }, 'absent is empty');
    saveLabSeq(path, 3001, 17);
    saveLabSeq(path, 3001, 12);
    saveLabSeq(path, 42, 5);
    assert.deepEqual(loadLabState(path).lastSeq, { 3001: 17, 42: 5 }, 'a lower seq never overwrites a higher one');
    assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), { lastSeq: { 3001: 17, 42: 5 } });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a broken state file is an error naming the file and the JSON path, never a silent restart at seq 1', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lab-state-'));
  try {
    const path = join(dir, 'state.json');
    writeFileSync(path, '{"lastSeq": {"3001": -1}}');
    assert.throws(() => loadLabState(path), /\$\.lastSeq\.3001 must be a uint32/);
    writeFileSync(path, 'not json');
    assert.throws(() => loadLabState(path), /not JSON/);
    writeFileSync(path, '[]');
    assert.throws(() => loadLabState(path), /\$\.lastSeq must be an object/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('LOCKBENCH_LAB_STATE names the file; the default is under .lockbench/', () => {
  assert.equal(labStatePath({}), LAB_STATE_DEFAULT);
  assert.equal(LAB_STATE_DEFAULT, '.lockbench/lab-state.json');
  assert.equal(labStatePath({ LOCKBENCH_LAB_STATE: '/x/y.json' }), '/x/y.json');
});
