import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Journal } from '../sim/cloud/journal.ts';
import { streamJournal } from './journal-stream.ts';

test('--journal: one JSON line per entry, those journaled before it started first; behind a stalled reader lines are skipped and the count said once', () => {
  const journal = new Journal(() => 1_700_000_000);
  journal.add('mqtt', '← kexin/v1/gw/1/status');
  const lines: string[] = [];
  let backlog = 0;
  streamJournal({ journal }, { write: (line: string) => lines.push(line) > 0, get writableLength() { return backlog; } } as never);
  journal.add('api', 'POST /third/lock/open → 200 code 200', { request: { sign: 'abc' } });
  backlog = 2 * 1024 * 1024;
  journal.add('api', 'lost 1');
  journal.add('api', 'lost 2');
  backlog = 0;
  journal.add('control', 'POST /clock → 200');
  assert.deepEqual(lines.map((l) => JSON.parse(l)), [
    { seq: 1, at: 1_700_000_000, kind: 'mqtt', summary: '← kexin/v1/gw/1/status' },
    { seq: 2, at: 1_700_000_000, kind: 'api', summary: 'POST /third/lock/open → 200 code 200', detail: { request: { sign: '«redacted»' } } },
    { journal_lines_skipped: 2 },
    { seq: 5, at: 1_700_000_000, kind: 'control', summary: 'POST /clock → 200' },
  ]);
  assert.ok(lines.every((l) => l.endsWith('\n') && !l.slice(0, -1).includes('\n')), 'one line each');
});
