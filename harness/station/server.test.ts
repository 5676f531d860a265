/**
 * The station server (docs/evidence.md §14 `--station`): push to every page with the history first, no secret by
 * key or by value, operator answers only for open prompts, bodies bounded before they are read.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { get, request } from 'node:http';
import { StationServer } from './server.ts';
import { redactDeep } from './events.ts';

const SECRET = '5e0c9a7b31d24f68a0b1c2d3e4f50617';

function post(url: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => { text += d.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The first `n` events of the stream. */
function events(url: string, n: number): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    get(`${url}events`, (res) => {
      assert.equal(res.headers['content-type'], 'text/event-stream');
      let text = '';
      res.on('data', (d: Buffer) => {
        text += d.toString();
        const got = text.split('\n\n').filter((b) => b.startsWith('data: ')).map((b) => JSON.parse(b.slice(6)) as unknown);
        if (got.length >= n) {
          res.destroy();
          resolve(got.slice(0, n));
        }
      });
    }).on('error', reject);
  });
}

test('a page that joins late gets the history, then events as they happen; secrets never leave (by key or value)', async () => {
  const answered: string[] = [];
  const s = await StationServer.start({ host: '127.0.0.1', port: 0, secrets: [SECRET], onAnswer: (id) => answered.push(id) });
  try {
    assert.match(s.url, /^http:\/\/127\.0\.0\.1:\d+\/$/, 'loopback by default');
    s.publish({ type: 'run', target: 'lab', total: 2, startedAtMs: 1, operator: false });
    const wire = { ms: 1, kind: 'serial' as const, summary: `tx key=${SECRET}`, detail: { lock_secret: 'x', password: '123456', op: 'keypad' } };
    s.publish({ type: 'wire', testId: 't', startedAtMs: 1, entry: wire });
    const stream = events(s.url, 3);
    s.publish({ type: 'end', status: 'passed', atMs: 2 });
    const got = JSON.stringify(await stream);
    assert.ok(!got.includes(SECRET), 'a secret value is replaced wherever it appears');
    assert.ok(!got.includes('123456'), 'a password-named key is hidden');
    assert.match(got, /"type":"run".*"type":"wire".*"type":"end"/, 'history first, in order, then the live event');
    s.setTimeline(`<p>${SECRET}</p>`);
    const page = await new Promise<string>((resolve) => get(`${s.url}timeline`, (r) => { let t = ''; r.on('data', (d: Buffer) => { t += d; }); r.on('end', () => resolve(t)); }));
    assert.ok(!page.includes(SECRET), 'the timeline page is redacted too');
  } finally {
    await s.close();
  }
});

test('"done" is accepted only for an open prompt, and a body past 256 bytes is refused before it is read', async () => {
  const answered: string[] = [];
  const s = await StationServer.start({ host: '127.0.0.1', port: 0, secrets: [], onAnswer: (id) => answered.push(id) });
  try {
    assert.equal((await post(`${s.url}answer/p1`, '{"answer":"done"}')).status, 409, 'no such prompt is waiting');
    s.publish({ type: 'prompt', promptId: 'p1', testId: 't', instruction: 'Unplug the cable', untilMs: 10, atMs: 1 });
    assert.equal((await post(`${s.url}answer/p1`, 'x'.repeat(10_000))).status, 413);
    assert.deepEqual(answered, []);
    assert.equal((await post(`${s.url}answer/p1`, '{"answer":"done"}')).status, 200);
    assert.deepEqual(answered, ['p1']);
    s.publish({ type: 'prompt-end', promptId: 'p1', answer: 'done', atMs: 2 });
    assert.equal((await post(`${s.url}answer/p1`, '{"answer":"done"}')).status, 409, 'an answered prompt takes no second answer');
  } finally {
    await s.close();
  }
});

test('redaction hides secret-named keys at any depth and secret values inside longer strings', () => {
  const out = redactDeep({ a: [{ appSecret: 'k' }], b: `sign=${SECRET}&x=1`, token: 't', op: 'open' }, [SECRET]) as Record<string, unknown>;
  assert.deepEqual(out, { a: [{ appSecret: '«redacted»' }], b: 'sign=«redacted»&x=1', token: '«redacted»', op: 'open' });
  // An MQTT payload as the broker saw it: JSON text, whose keys name secrets too.
  const cmd = redactDeep({ detail: '{"id":"c1","op":"pwd_add","args":{"uid":7,"password":"482913"}}' }, []) as { detail: string };
  assert.deepEqual(JSON.parse(cmd.detail), { id: 'c1', op: 'pwd_add', args: { uid: 7, password: '«redacted»' } });
  assert.equal(redactDeep('{not json', [SECRET]), '{not json', 'text that only looks like JSON is left as it is');
});
