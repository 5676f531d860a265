import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import nock from 'nock';
import { request } from 'undici';
import { startBuiltinFaceProvider } from './face-provider.ts';
import { AP, APP_ID, FACE_IMAGE, LOCK, LOCK_NO_AP, MEMBER, startWorld, waitFor, type TestWorld } from './cloud.test-kit.ts';
import type { CloudOptions } from './types.ts';

let provider: Awaited<ReturnType<typeof startBuiltinFaceProvider>>;
before(async () => {
  provider = await startBuiltinFaceProvider([MEMBER]);
  nock.enableNetConnect('127.0.0.1');
});
after(async () => {
  nock.cleanAll();
  nock.restore();
  await provider.close();
});

async function withWorld(over: Partial<CloudOptions>, fn: (w: TestWorld) => Promise<void>): Promise<void> {
  const w = await startWorld({ faceProviderUrl: provider.url, ...over });
  try {
    await fn(w);
  } finally {
    await w.close();
  }
}

const face = (w: TestWorld, over: Record<string, unknown> = {}) =>
  w.call('/third/lock/open/face', { app_id: APP_ID, lock_id: LOCK, name: MEMBER.name, id_num: MEMBER.idNum, img_code: FACE_IMAGE.toString('base64'), ...over });
const OTHER_IMAGE = Buffer.from('somebody else').toString('base64');

test('the built-in provider answers 99 for the member\'s face and 10 otherwise', async () => {
  const ask = async (id_num: string, image: Buffer) => {
    const r = await request(`${provider.url}/verify`, { method: 'POST', body: JSON.stringify({ name: 'x', id_num, image_base64: image.toString('base64') }) });
    return (await r.body.json()) as { similarity: number };
  };
  assert.equal(createHash('sha256').update(FACE_IMAGE).digest('hex'), MEMBER.faceSha256);
  assert.deepEqual(await ask(MEMBER.idNum, FACE_IMAGE), { similarity: 99 });
  assert.deepEqual(await ask(MEMBER.idNum, Buffer.from('nope')), { similarity: 10 });
  assert.deepEqual(await ask('11010519491231002X', FACE_IMAGE), { similarity: 10 });
  const bad = await request(`${provider.url}/verify`, { method: 'POST', body: '{' });
  await bad.body.dump();
  assert.equal(bad.statusCode, 400);
});

test('FACE-01/03: a member\'s face opens with the member\'s uid; mismatch 358; not a member 354', () =>
  withWorld({}, async (w) => {
    assert.equal((await face(w)).body.code, 200);
    assert.deepEqual(w.gw.commands.map((c) => [c.lock_id, c.op, c.args]), [[LOCK, 'unlock', { uid: MEMBER.uid }]]);
    assert.equal((await face(w, { img_code: OTHER_IMAGE })).body.code, 358);
    assert.equal((await face(w, { id_num: '11010519491231002X' })).body.code, 354, 'unknown id_num');
    assert.equal((await face(w, { name: '李四' })).body.code, 354, 'right id_num, other name');
    assert.equal(w.gw.commands.length, 1);
  }));

test('FACE-02: bad id_num, name and base64 are 400 naming the field; a decoded image over 100 KiB is 413, before the lock lookup', () =>
  withWorld({}, async (w) => {
    const cases: [Record<string, unknown>, string][] = [
      [{ id_num: '110101199003074478' }, 'id_num'], [{ id_num: '11010119900307447' }, 'id_num'], [{ id_num: 110101199003074477 }, 'id_num'],
      [{ name: '' }, 'name'], [{ name: 'x'.repeat(65) }, 'name'], [{ name: 7 }, 'name'],
      [{ img_code: 'abc' }, 'img_code'], [{ img_code: 'YQ' }, 'img_code'], [{ img_code: 'a=bc' }, 'img_code'], [{ img_code: '' }, 'img_code'],
      [{ img_code: 'YW Jj' }, 'img_code'], [{ img_code: 'YWJj_-==' }, 'img_code'],
    ];
    for (const [over, field] of cases) {
      const r = await face(w, over);
      assert.equal(r.body.code, 400, JSON.stringify(over));
      assert.match(r.body.desc, new RegExp(field));
    }
    assert.notEqual((await face(w, { name: '张'.repeat(64) })).body.code, 400, '64 characters are fine');
    const big = Buffer.alloc(102_401, 1).toString('base64');
    assert.equal((await face(w, { img_code: big, lock_id: 99 })).body.code, 413);
    const exact = Buffer.alloc(102_400, 1).toString('base64');
    assert.equal((await face(w, { img_code: exact, lock_id: 99 })).body.code, 350);
  }));

test('FACE-04: more than face_rate.max attempts per window → 327; refused attempts are not counted; allowed after the window', () =>
  withWorld({}, async (w) => {
    for (let i = 0; i < 3; i++) assert.equal((await face(w, { img_code: OTHER_IMAGE })).body.code, 358);
    assert.equal((await face(w)).body.code, 327);
    const stranger = { id_num: '11010519491231002X' };
    assert.equal((await face(w, stranger)).body.code, 354, 'another id_num has its own budget');
    w.clock.advance(30);
    for (let i = 0; i < 4; i++) assert.equal((await face(w)).body.code, 327);
    w.clock.advance(30);
    for (let i = 0; i < 3; i++) assert.equal((await face(w)).body.code, 200, `attempt ${i + 1} after the window`);
    assert.equal((await face(w)).body.code, 327);
    for (let i = 0; i < 3; i++) await face(w, stranger);
    assert.equal((await face(w, stranger)).body.code, 327, 'the limit comes before the member check');
  }));

test('FACE-05: face OK but gateway offline → 360; no AP → 362 (after the provider)', () =>
  withWorld({}, async (w) => {
    assert.equal((await face(w, { lock_id: LOCK_NO_AP })).body.code, 354, 'LOCK_NO_AP has no members');
    await w.gw.status(false);
    await waitFor(() => !w.cloud.gatewayOnline(AP), 'offline');
    assert.equal((await face(w)).body.code, 360);
    assert.equal((await face(w, { img_code: OTHER_IMAGE })).body.code, 358, 'the face is checked before the gateway');
  }));

test('FACE-03: provider 5xx, timeout, bad JSON or no similarity → 502', () =>
  withWorld({ faceProviderUrl: 'http://face.provider.test', faceTimeoutMs: 200 }, async (w) => {
    nock('http://face.provider.test').post('/verify').reply(500, { error: 'boom' });
    assert.equal((await face(w)).body.code, 502);
    nock('http://face.provider.test').post('/verify').reply(200, 'not json');
    assert.equal((await face(w)).body.code, 502);
    w.clock.advance(60);
    nock('http://face.provider.test').post('/verify').reply(200, { similarity: 'high' });
    assert.equal((await face(w)).body.code, 502);
    nock('http://face.provider.test').post('/verify').delay(600).reply(200, { similarity: 99 });
    const t0 = performance.now();
    assert.equal((await face(w)).body.code, 502);
    const ms = performance.now() - t0;
    assert.ok(ms >= 190 && ms < 500, `timed out after ${ms} ms`);
    w.clock.advance(60);
    let seen: unknown;
    nock('http://face.provider.test').post('/verify', (b) => ((seen = b), true)).reply(200, { similarity: 69.9 });
    assert.equal((await face(w)).body.code, 358);
    assert.deepEqual(seen, { name: MEMBER.name, id_num: MEMBER.idNum, image_base64: FACE_IMAGE.toString('base64') });
    nock('http://face.provider.test').post('/verify').reply(200, { similarity: 70 });
    assert.equal((await face(w)).body.code, 200);
    assert.equal(w.gw.commands.length, 1);
  }));
