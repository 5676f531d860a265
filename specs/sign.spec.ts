import { createHash } from 'node:crypto';
import { test, expect } from '../harness/fixtures/index.ts';
import { canonicalJson, hourBucket, signBody, wireOf } from '../sim/protocol/index.ts';

// TEST-PLAN SIGN — signature and authentication (DESIGN §5.1, §3.2 steps 2–3).

test('the published vector signs as documented; a correctly signed lock/get is accepted', { tag: '@SIGN-01' }, async ({ api, fleet }) => {
  expect(signBody({ lock_id: 1, app_id: 'app_test' }, 'a0cc195a3034c6de34c9dfccf765117b', 1487226152)).toBe('a707c749d0e02a7d8e7a4d670e8632c3');
  const res = await api.lockGet(fleet.need('main'));
  expect(res).toBeOutcome('ok');
});

test('uppercase hex, a sign for another body, a missing sign and an unknown app are refused', { tag: '@SIGN-02' }, async ({ api, fleet }) => {
  const lock = fleet.need('main');
  const good = await api.signedBody('/third/lock/get', { lock_id: lock });
  expect(await api.lockGet(lock, { sign: String(good.sign).toUpperCase() })).toBeOutcome('bad_sign');
  const other = await api.signedBody('/third/lock/get', { lock_id: lock + 1 });
  expect(await api.lockGet(lock, { sign: String(other.sign) })).toBeOutcome('bad_sign');
  expect(await api.lockGet(lock, { sign: null })).toBeOutcome('bad_params');
  expect(await api.lockGet(lock, { sign: '' })).toBeOutcome('bad_params');
  expect(await api.send('/third/lock/get', { lock_id: lock }, { noAppId: true })).toBeOutcome('bad_params');
  expect(await api.send('/third/lock/get', { lock_id: lock, app_id: 'no_such_app' }, { noAppId: true })).toBeOutcome('bad_sign');
});

test('tampering a signed field after signing is refused', { tag: '@SIGN-03' }, async ({ api, fleet, session }) => {
  const lock = fleet.need('main');
  const now = Math.floor(await session.now());
  expect(await api.lockGet(lock, { tamper: { lock_id: fleet.roles.ids.sibling ?? lock + 2 } })).toBeOutcome('bad_sign');
  expect(await api.pwdGet(lock, now, 300, { tamper: { effective_at: now + 300 } })).toBeOutcome('bad_sign');
  expect(await api.open(lock, '', { tamper: { attach: 'test' } })).toBeOutcome('bad_sign');
});

test('img_code is outside the signature on open/face, every other field inside', { tag: '@SIGN-04' }, async ({ api, fleet, needsEndpoint }) => {
  needsEndpoint('/third/lock/open/face');
  const lock = fleet.need('main');
  const face = fleet.roles.faces?.[0];
  test.skip(!face, 'target has no face member');
  const fields = { lock_id: lock, name: face!.name, id_num: face!.id_num, img_code: face!.image_base64 };
  // Changing img_code after signing keeps the sign valid: the answer is not 401, whatever the face says.
  const swapped = await api.openFace(fields, { tamper: { img_code: 'R0lGODlh' } });
  expect(swapped.envelope?.code).not.toBe(wireOf(swapped.profile, 'bad_sign').code);
  // A sign that covers img_code is a sign over another content: refused.
  expect(await api.openFace(fields, { exclude: [] })).toBeOutcome('bad_sign');
  expect(await api.openFace(fields, { tamper: { name: '王五' } })).toBeOutcome('bad_sign');
  expect(await api.openFace(fields, { tamper: { id_num: '11010519491231002X' } })).toBeOutcome('bad_sign');
});

test('hour buckets: W ± sign_skew_s accepted, two hours away refused', { tag: '@SIGN-05' }, async ({ api, fleet, clock }) => {
  const lock = fleet.need('main');
  // Put W 100 s into an hour so that W − 300 is in the previous bucket and W + 300 in the same.
  const w = (hourBucket(await clock.now()) + 1) * 3600 + 100;
  await clock.set(w);
  expect(await api.lockGet(lock, { signAt: w - 300 })).toBeOutcome('ok');
  expect(await api.lockGet(lock, { signAt: w })).toBeOutcome('ok');
  await clock.set(w + 3600 - 200);
  expect(await api.lockGet(lock, { signAt: w + 3600 })).toBeOutcome('ok');
  expect(await api.lockGet(lock, { signAt: w - 7200 })).toBeOutcome('bad_sign');
  expect(await api.lockGet(lock, { signAt: w + 7200 + 3600 })).toBeOutcome('bad_sign');
  // The previous bucket stops being accepted once W − skew has left it.
  await clock.set(w + 3600 + 300);
  expect(await api.lockGet(lock, { signAt: w })).toBeOutcome('bad_sign');
});

test('canonical form: raw UTF-8, empty strings kept, key order and whitespace of the body do not matter', { tag: '@SIGN-06' }, async ({ api, fleet, session }) => {
  const lock = fleet.need('main');
  const t = await session.now();
  // Hand-built bodies: reversed keys, extra whitespace, a CJK field outside the schema (extra fields are signed too).
  const fields = { lock_id: lock, attach: '', app_id: session.app.appId, note: '张三' };
  const sign = signBody(fields, session.app.appSecret, t);
  const text = `{ "note" : "张三",\n  "attach": "", "sign": "${sign}", "lock_id": ${lock}, "app_id": "${session.app.appId}" }`;
  expect(await api.send('/third/lock/get', {}, { rawBody: text })).toBeOutcome('ok');
  // \u-escaped CJK in the body is the same JSON string: the canonical form re-serializes it raw.
  const escaped = text.replace('张三', '\\u5f20\\u4e09');
  expect(await api.send('/third/lock/get', {}, { rawBody: escaped })).toBeOutcome('ok');
  // Signing the \u-escaped form instead of raw UTF-8 is a different content: refused.
  const escapedContent = canonicalJson(fields).replace('张三', '\\u5f20\\u4e09');
  const wrong = createHash('md5').update(`${escapedContent}+${session.app.appSecret}+${hourBucket(t)}`).digest('hex');
  expect(await api.lockGet(lock, { sign: wrong, tamper: { note: '张三', attach: '' } })).toBeOutcome('bad_sign');
  // Dropping the empty attach changes the signed content.
  expect(await api.send('/third/lock/get', { lock_id: lock, attach: '' }, { tamper: { attach: undefined } })).toBeOutcome('bad_sign');
});

test('the k=v&… scheme and the hour-less scheme are refused', { tag: '@SIGN-07' }, async ({ api, fleet, session }) => {
  const lock = fleet.need('main');
  const t = await session.now();
  const secret = session.app.appSecret;
  const body = { app_id: session.app.appId, lock_id: lock };
  const kv = createHash('md5').update(`app_id=${body.app_id}&lock_id=${lock}+${secret}`).digest('hex');
  const kvHour = createHash('md5').update(`app_id=${body.app_id}&lock_id=${lock}+${secret}+${hourBucket(t)}`).digest('hex');
  const hourless = createHash('md5').update(`${canonicalJson(body)}+${secret}`).digest('hex');
  expect(await api.lockGet(lock, { sign: kv })).toBeOutcome('bad_sign');
  expect(await api.lockGet(lock, { sign: kvHour })).toBeOutcome('bad_sign');
  expect(await api.lockGet(lock, { sign: hourless })).toBeOutcome('bad_sign');
});
