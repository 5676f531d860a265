import assert from 'node:assert/strict';
import { test } from 'node:test';
import { signBody } from '../../../sim/protocol/index.ts';
import type { IncomingAnswer, OutgoingRequest } from '../../client/api-client.ts';
import { CASSETTE_FORMAT, parseCassette, printCassette, type Cassette } from './cassette.ts';
import { diffCassettes } from './cassette-diff.ts';
import { Player, Recorder, UnrecordedRequest } from './tape.ts';
import { Minter, normalise } from './volatile.ts';

const SECRET = 'a0cc195a3034c6de34c9dfccf765117b';

/** A signed POST as the client sends it, signed at unix time `t`. */
function post(path: string, fields: Record<string, unknown>, t: number): OutgoingRequest {
  const body = { app_id: 'app_t', ...fields };
  return { method: 'POST', path, headers: {}, body: Buffer.from(JSON.stringify({ ...body, sign: signBody(body, SECRET, t, []) })) };
}

const ok = (data: unknown): IncomingAnswer => ({ status: 200, contentType: 'application/json', text: JSON.stringify({ code: 200, desc: 'ok', data }) });

/** A recording of one test against a "cloud" whose answers follow `answers` in order, at clock time `t`. */
async function record(t: number, requests: (t: number, got: unknown[]) => OutgoingRequest[], answers: IncomingAnswer[]): Promise<Recorder> {
  const rec = new Recorder();
  const got: unknown[] = [];
  let i = 0;
  // Requests may carry back what earlier answers gave (a password): build them one by one.
  for (let n = 0; ; n++) {
    const req = requests(t, got)[n];
    if (!req) break;
    const ans = await rec.hook(req, async () => answers[i++]!);
    got.push(JSON.parse(ans.text));
  }
  return rec;
}

const cassetteOf = (rec: Recorder): Cassette => ({ format: CASSETTE_FORMAT, profile: 'kexin-2017-03', seed: 7, app_id: 'app_t', lock_id: 1, tests: { 't.spec.ts › one': rec.exchanges } });

test('volatile parts are declared once: signs by case, clock times by type, secrets never kept; the rest as sent', () => {
  const lower = signBody({ lock_id: 1 }, SECRET, 1_796_666_400, []);
  assert.deepEqual(
    normalise({ sign: lower, lock_id: 1, effective_at: 1_796_666_400, expire: 300, app_secret: 'x' }, undefined, false),
    { sign: '«sign»', lock_id: 1, effective_at: '«time»', expire: 300, app_secret: '«redacted»' },
  );
  assert.equal((normalise({ sign: lower.toUpperCase() }, undefined, false) as { sign: string }).sign, '«SIGN»');
  for (const kept of ['', 'XYZ', null, 12]) assert.deepEqual(normalise({ sign: kept }, undefined, false), { sign: kept }, 'a malformed sign is the check');
  assert.deepEqual(normalise({ effective_at: '1796666400' }, undefined, false), { effective_at: '«time as text»' });
  assert.deepEqual(normalise({ effective_at: 1_796_666_400.5 }, undefined, false), { effective_at: '«time with a fraction»' });
  assert.deepEqual(normalise({ effective_at: -1_796_666_400 }, undefined, false), { effective_at: '«minus time»' }, 'ENV-03 negates the valid time');
  for (const kept of [0, -1, 1.5e300, 'abc']) assert.deepEqual(normalise({ effective_at: kept }, undefined, false), { effective_at: kept }, 'out of era is the check');
});

test('minted values map consistently: the n-th distinct password is the n-th synthetic, in answers and in the requests carrying it back', async () => {
  const requests = (t: number, got: unknown[]) => {
    const pw = (i: number) => (got[i] as { data: { password: string } } | undefined)?.data.password;
    return [
      post('/third/v2/lock/pwd/get', { lock_id: 1, uid: 7, effective_at: t, expire: 60 }, t),
      post('/third/v2/lock/pwd/get', { lock_id: 1, uid: 7, effective_at: t, expire: 60 }, t),
      ...(got.length >= 2 ? [post('/third/v2/lock/open', { lock_id: 1, password: pw(0) }, t), post('/third/v2/lock/open', { lock_id: 1, password: pw(1) }, t)] : []),
    ];
  };
  const answers = (a: string, b: string) => [ok({ password: a }), ok({ password: b }), ok(null), ok(null)];
  const rec = await record(1_796_666_400, requests, answers('482913', '105577'));
  const minted = rec.exchanges.map((x) => (x.request as { password?: string }).password ?? (x.answer as { data: { password?: string } | null }).data?.password);
  assert.deepEqual(minted, ['000001', '000002', '000001', '000002']);
  assert.ok(!JSON.stringify(rec.exchanges).includes('482913'), 'the real password never reaches the cassette');
  // Another hour, other real passwords, another signature: the same cassette bytes.
  const again = await record(1_796_670_000 + 17, requests, answers('777001', '030303'));
  assert.equal(printCassette(cassetteOf(again)), printCassette(cassetteOf(rec)));
  // A request carrying a value no answer gave is left as sent.
  assert.equal(new Minter().mint('password', '123456', false), '123456');
});

test('the n-th of identical requests gets the n-th recorded answer; one more than recorded fails', async () => {
  const t = 1_796_666_400;
  const same = () => post('/third/lock/state/get', { lock_id: 1 }, t);
  const rec = await record(t, () => [same(), same()], [ok({ online: true }), ok({ online: false })]);
  const player = new Player('t.spec.ts › one', rec.exchanges);
  // Replayed an hour later: the sign differs, the request still matches.
  const later = () => post('/third/lock/state/get', { lock_id: 1 }, t + 3600);
  assert.deepEqual(JSON.parse(player.answer(later()).text).data, { online: true });
  assert.deepEqual(JSON.parse(player.answer(later()).text).data, { online: false });
  assert.throws(() => player.answer(later()), (e: unknown) => e instanceof UnrecordedRequest && /already answered/.test(e.message) && /more often than recorded/.test(e.message));
  assert.deepEqual(player.unused(), []);
});

test('a request that matches nothing fails naming the nearest recorded one and each changed field', async () => {
  const t = 1_796_666_400;
  const rec = await record(t, () => [post('/third/lock/get', { lock_id: 1 }, t), post('/third/lock/open', { lock_id: 1, attach: 'a' }, t)], [ok({}), ok(null)]);
  const player = new Player('t.spec.ts › one', rec.exchanges);
  assert.throws(() => player.answer(post('/third/lock/open', { lock_id: 2, attach: 'a' }, t)), (e: unknown) => {
    assert.ok(e instanceof UnrecordedRequest);
    assert.match(e.message, /POST \/third\/lock\/open matches no recorded exchange of test "t\.spec\.ts › one"; nearest is #2 of 2 \(POST \/third\/lock\/open\)/);
    assert.match(e.message, /\$\.request\.lock_id: 1 → 2/);
    return true;
  });
  // What a replayed test never asked for is named at its end (ReplaySession fails the test with it).
  assert.deepEqual(player.unused(), [1, 2]);
  player.answer(post('/third/lock/get', { lock_id: 1 }, t + 7200));
  assert.deepEqual(player.unused(), [2]);
  assert.throws(() => new Player('t.spec.ts › two', undefined).answer(post('/third/lock/get', { lock_id: 1 }, t)), /the cassette has no such test/);
});

test('a cassette prints to the same bytes whatever order its tests were recorded in, and reads back to them', async () => {
  const t = 1_796_666_400;
  const rec = await record(t, () => [post('/third/lock/get', { lock_id: 1 }, t)], [ok({ name: 'front door' })]);
  const x = rec.exchanges;
  const a: Cassette = { format: CASSETTE_FORMAT, profile: 'kexin-2017-03', seed: 7, app_id: 'app_t', lock_id: 1, tests: { 'b.spec.ts › b': x, 'a.spec.ts › a': x } };
  const b: Cassette = { ...a, tests: { 'a.spec.ts › a': x, 'b.spec.ts › b': x } };
  const text = printCassette(a);
  assert.equal(printCassette(b), text);
  const back = parseCassette(text);
  assert.ok(back.ok);
  assert.equal(printCassette(back.cassette), text);
  assert.deepEqual(parseCassette(text.replace('"status": 200', '"status": "200"')), { ok: false, error: '$.tests["a.spec.ts › a"][0].status must be an HTTP status (an integer)' });
  assert.deepEqual(parseCassette('{"format":"other"}'), { ok: false, error: `$.format must be "${CASSETTE_FORMAT}" (got "other")` });
});

test('cassette diff names the changed answer per test and exchange; agreeing recordings give nothing', async () => {
  const t = 1_796_666_400;
  const run = (online: unknown) => record(t, () => [post('/third/lock/get', { lock_id: 1 }, t), post('/third/lock/state/get', { lock_id: 1 }, t)], [ok({}), ok({ online })]);
  const a = cassetteOf(await run(true));
  assert.deepEqual(diffCassettes(a, cassetteOf(await run(true))), []);
  assert.deepEqual(diffCassettes(a, cassetteOf(await run('true'))), ['t.spec.ts › one:', '  #2 POST /third/lock/state/get', '    answer.data.online: true → "true"']);
  const subset: Cassette = { ...a, tests: {} };
  assert.deepEqual(diffCassettes(a, subset), ['t.spec.ts › one: only in A']);
  assert.deepEqual(diffCassettes(a, subset, { common: true }), []);
});
