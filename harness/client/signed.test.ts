import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { test } from 'node:test';
import { closeServer, listenOn, urlOf } from '../../sim/io/index.ts';
import { verifySign, type Body } from '../../sim/protocol/index.ts';
import { postSigned, signedBody } from './signed.ts';
import { WireLog } from './wire-log.ts';

const APP = { appId: 'app_t', appSecret: 'a0cc195a3034c6de34c9dfccf765117b' };
const T = 1_700_000_000;

test('signedBody: app_id added, signed at the given time over everything but img_code on open/face (DESIGN §5.1)', async () => {
  const face = await signedBody(APP, '/third/lock/open/face', { lock_id: 1, img_code: 'AAAA' }, () => T);
  assert.equal(face.app_id, 'app_t');
  assert.ok(verifySign({ ...face, img_code: 'BBBB' }, face.sign as string, APP.appSecret, T, 0, ['img_code']));
  const open = await signedBody(APP, '/third/lock/open', { lock_id: 1, img_code: 'AAAA' }, () => T);
  assert.equal(verifySign({ ...open, img_code: 'BBBB' }, open.sign as string, APP.appSecret, T, 0), false, 'other paths sign every field');
  let read = false;
  const given = await signedBody(APP, '/third/lock/get', { lock_id: 1 }, () => { read = true; return T; }, { sign: 'x', tamper: { lock_id: 2 } });
  assert.deepEqual(given, { app_id: 'app_t', lock_id: 2, sign: 'x' });
  assert.equal(read, false, 'the clock is read only when a sign is computed');
});

test('postSigned: the body the server gets verifies; the exchange is in the wire log, the secret is not', { timeout: 5000 }, async () => {
  const got: Body[] = [];
  const server = await listenOn(createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c)).on('end', () => {
      got.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Body);
      res.setHeader('content-type', 'application/json').end('{"code":200,"desc":"ok","data":{"seq":1}}');
    });
  }), 0, '127.0.0.1');
  try {
    const wire = new WireLog();
    const answer = await postSigned({ apiUrl: urlOf(server), app: APP, now: () => T, timeoutMs: 1000, wire }, '/third/lock/time_sync/seq/get', { lock_id: 5 });
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.envelope, { code: 200, desc: 'ok', data: { seq: 1 } });
    assert.equal(got.length, 1);
    assert.ok(verifySign(got[0]!, got[0]!.sign as string, APP.appSecret, T, 0));
    assert.equal(wire.entries.length, 1);
    assert.match(wire.entries[0]!.summary, /^POST \/third\/lock\/time_sync\/seq\/get → 200 code 200$/);
    assert.doesNotMatch(JSON.stringify(wire.entries), new RegExp(APP.appSecret));
  } finally {
    await closeServer(server);
  }
});
