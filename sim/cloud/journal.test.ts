import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Journal } from './journal.ts';

// DESIGN §8 extension, §13: the journal keeps what it was recorded from and redacts it when read.

test('an entry shows its detail as it was when recorded, even if the caller changes its objects afterwards', () => {
  const journal = new Journal(() => 1_700_000_000);
  const body = { lock_id: 7, sign: 'abc', nested: { password: '123456', battery_pct: 80 } };
  journal.add('control', 'POST /locks/7 → 200', { request: body }, 7);
  body.nested.battery_pct = 5;
  body.sign = 'changed';
  (body as Record<string, unknown>).extra = true;
  const [entry] = journal.list();
  assert.deepEqual(entry!.detail, { request: { lock_id: 7, sign: '«redacted»', nested: { password: '«redacted»', battery_pct: 80 } } });
});

test('a deferred entry is built on first read, filters by the lock id it builds, and is built once', () => {
  const journal = new Journal(() => 1_700_000_000);
  let builds = 0;
  journal.add('api', 'first', { x: 1 }, 1);
  journal.defer('mqtt', () => {
    builds++;
    return { summary: '← kexin/v1/gw/1/ack', detail: { message: { lock_id: 2, pwd: '999999' } }, lockId: 2 };
  });
  assert.equal(builds, 0, 'recording builds nothing');
  assert.deepEqual(journal.list({ kind: 'api' }).map((e) => e.seq), [1]);
  assert.equal(builds, 0, 'a kind filter needs no build');
  const [mine] = journal.list({ lockId: 2 });
  assert.deepEqual(mine, { seq: 2, at: 1_700_000_000, kind: 'mqtt', summary: '← kexin/v1/gw/1/ack', lock_id: 2, detail: { message: { lock_id: 2, pwd: '«redacted»' } } });
  assert.deepEqual(journal.list({ lockId: 2 }), [mine], 'a second read shows the same entry');
  assert.equal(builds, 1);
});

test('the ring wraps round keeping the newest, and a clear empties it without forgetting what was dropped', () => {
  const journal = new Journal(() => 1_700_000_000, 3);
  for (let i = 1; i <= 7; i++) journal.add('api', `call ${i}`);
  assert.deepEqual(journal.list().map((e) => e.summary), ['call 5', 'call 6', 'call 7']);
  assert.deepEqual(journal.list({ since: 5 }).map((e) => e.seq), [6, 7]);
  journal.clear();
  assert.equal(journal.size, 0);
  assert.deepEqual(journal.list(), []);
  journal.add('api', 'call 8');
  assert.deepEqual(journal.list().map((e) => [e.seq, e.summary]), [[8, 'call 8']]);
  assert.equal(journal.dropped, 4);
});

test('a detail is redacted before it is measured, whether it is kept as text until read or cut when recorded', () => {
  const journal = new Journal(() => 1_700_000_000);
  for (const chars of [3000, 10_000]) journal.add('api', `sign of ${chars}`, { sign: 'x'.repeat(chars), lock_id: 1 });
  journal.add('api', 'long body', { blob: 'y'.repeat(3000) });
  const [mid, big, long] = journal.list();
  assert.deepEqual(mid!.detail, { sign: '«redacted»', lock_id: 1 }, 'a long secret does not make its entry cut');
  assert.deepEqual(big!.detail, mid!.detail);
  assert.deepEqual(long!.detail, { truncated: true, chars: 3011, head: JSON.stringify({ blob: 'y'.repeat(3000) }).slice(0, 2048) });
});
