import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { signBody } from '../protocol/index.ts';
import { Journal, type JournalEntry } from '../cloud/journal.ts';
import { parseFixture } from './fixture.ts';
import { World } from './world.ts';
import { waitUntil } from '../io/index.ts';

// DESIGN §8 extension: the journal of what clients sent the simulator and what it answered.

const parsed = parseFixture(JSON.parse(readFileSync(new URL('../../fixtures/fleet.json', import.meta.url), 'utf8')));
if (!parsed.ok) throw new Error('fleet.json invalid');
const fixture = parsed.fixture;
const app = fixture.apps[0]!;
const LOCK = 1000001;

async function get(world: World, path: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${world.urls.control}${path}`);
  return { status: res.status, body: await res.json() };
}

test('GET /journal shows API calls with their answers, control calls, MQTT and pushes, secrets redacted', { timeout: 15_000 }, async () => {
  const world = await World.create(fixture, { ackTimeoutMs: 500, pushBackoffMs: 10 });
  try {
    const body: Record<string, unknown> = { app_id: app.app_id, lock_id: LOCK, attach: '' };
    body.sign = signBody(body, app.app_secret, world.clock.now());
    const opened = await fetch(`${world.urls.api}/third/lock/open`, { method: 'POST', body: JSON.stringify(body) });
    const answer = await opened.json();
    await fetch(`${world.urls.api}/third/lock/get`, { method: 'POST', body: '{"app_id": ' });
    await fetch(`${world.urls.control}/locks/${LOCK}`, { method: 'POST', body: '{"battery_pct": 55}' });
    await waitUntil('the unlock push to reach the sink', () => world.sink.list().some((p) => (p.body as { type: number }).type === 2), { timeoutMs: 5000, intervalMs: 10 });

    const all = await get(world, '/journal');
    assert.equal(all.status, 200);
    const entries = all.body.entries as JournalEntry[];
    const open = entries.find((e) => e.kind === 'api' && e.summary.startsWith('POST /third/lock/open'));
    assert.ok(open, 'the unlock is journaled');
    assert.deepEqual((open.detail as { response: unknown }).response, answer, 'with the answer the client got');
    assert.equal((open.detail as { request: { sign: string } }).request.sign, '«redacted»', 'the signature is not kept');
    assert.equal(open.lock_id, LOCK);
    const malformed = entries.find((e) => e.kind === 'api' && e.summary.startsWith('POST /third/lock/get'));
    assert.equal((malformed?.detail as { request: unknown }).request, '{"app_id": ', 'a body that is not JSON is kept as text');
    assert.ok(entries.some((e) => e.kind === 'mqtt' && e.summary.includes('/cmd') && e.lock_id === LOCK), 'the command to the gateway');
    assert.ok(entries.some((e) => e.kind === 'mqtt' && e.summary.includes('/ack')), 'and its ack');
    assert.ok(entries.some((e) => e.kind === 'push' && e.lock_id === LOCK), 'the push attempt');
    assert.ok(entries.some((e) => e.kind === 'control' && e.summary === `POST /locks/${LOCK} → 200`), 'the control call');
    assert.ok(!JSON.stringify(entries).includes(app.app_secret), 'no app secret anywhere');
    assert.deepEqual(entries.map((e) => e.seq), entries.map((_, i) => entries[0]!.seq + i), 'in order, none missing');

    const mine = await get(world, `/journal?kind=api&lock_id=${LOCK}`);
    assert.deepEqual((mine.body.entries as JournalEntry[]).map((e) => e.summary), [open.summary]);
    const later = await get(world, `/journal?since=${open.seq}&kind=api`);
    assert.deepEqual((later.body.entries as JournalEntry[]).map((e) => e.seq), [malformed!.seq]);

    for (const [query, param] of [['since=-1', 'since'], ['kind=http', 'kind'], ['lock_id=x', 'lock_id'], ['lockid=1', 'lockid']] as const) {
      const bad = await get(world, `/journal?${query}`);
      assert.equal(bad.status, 400, query);
      assert.match(bad.body.error, new RegExp(`^${param} `), `${query}: the error names the parameter`);
    }
  } finally {
    await world.close();
  }
});

test('the journal stays within its bound under 10× its size, keeping the newest entries', () => {
  let now = 1_700_000_000;
  const journal = new Journal(() => now, 100);
  const seen: number[] = [];
  journal.subscribe((e) => seen.push(e.seq));
  for (let i = 0; i < 1000; i++) {
    now++;
    journal.add('api', `call ${i}`, { request: { password: '123456', blob: 'x'.repeat(10_000) } });
  }
  assert.equal(journal.size, 100);
  assert.equal(journal.dropped, 900);
  assert.deepEqual(journal.list().map((e) => e.seq), Array.from({ length: 100 }, (_, i) => 901 + i));
  assert.equal(seen.length, 1000, 'a listener sees every entry');
  const detail = journal.list()[0]!.detail as { truncated: boolean; head: string };
  assert.equal(detail.truncated, true, 'a big detail is cut');
  assert.ok(detail.head.length <= 2048);
  assert.ok(detail.head.includes('«redacted»') && !detail.head.includes('123456'), 'passwords in bodies are redacted before cutting');
});
