import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import {
  signBody, signedContent, stringToSign, verifySign, canonicalJson, tempPassword, hotp6, slotOf,
  timeSyncKeys, decodeTimeSync, unsignedFields, isValidIdNumber, PROFILES, OUTCOMES, ENDPOINTS, parseCommand, parseEvent,
} from './index.ts';

const vectors = JSON.parse(readFileSync(new URL('../../fixtures/contract-vectors.json', import.meta.url), 'utf8'));

test('sign vectors (DESIGN §5.1)', () => {
  assert.ok(vectors.sign.length >= 4);
  for (const v of vectors.sign) {
    if (v.string_to_sign) assert.equal(stringToSign(v.body, v.app_secret, v.unix_time, v.exclude), v.string_to_sign);
    assert.equal(signBody(v.body, v.app_secret, v.unix_time, v.exclude), v.sign, v.note);
  }
});

test('verifySign accepts skew buckets and refuses uppercase, other hours and tampered bodies', () => {
  const v = vectors.sign[0];
  assert.ok(verifySign(v.body, v.sign, v.app_secret, v.unix_time, 300));
  assert.ok(!verifySign(v.body, v.sign.toUpperCase(), v.app_secret, v.unix_time, 300));
  assert.ok(!verifySign(v.body, v.sign, v.app_secret, v.unix_time + 7200, 300));
  assert.ok(!verifySign({ ...v.body, lock_id: 2 }, v.sign, v.app_secret, v.unix_time, 300));
  const bucketStart = Math.floor(v.unix_time / 3600) * 3600;
  assert.ok(verifySign(v.body, v.sign, v.app_secret, bucketStart + 3600 + 299, 300), 'previous bucket within skew');
  assert.ok(!verifySign(v.body, v.sign, v.app_secret, bucketStart + 3600 + 300, 300), 'previous bucket past skew');
  assert.ok(!verifySign(v.body, v.sign, v.app_secret, bucketStart + 3600, 0), 'skew 0 = current hour only');
});

test('img_code is the one unsigned field, on open/face only (DESIGN §5.1)', () => {
  assert.deepEqual(unsignedFields('/third/lock/open/face'), ['img_code']);
  for (const e of ENDPOINTS) if (e !== '/third/lock/open/face') assert.deepEqual(unsignedFields(e), [], e);
});

test('canonical JSON: key order and whitespace do not matter, raw UTF-8', () => {
  fc.assert(
    fc.property(fc.dictionary(fc.string(), fc.oneof(fc.integer(), fc.string()), { noNullPrototype: true }), (o) => {
      const shuffled = Object.fromEntries(Object.entries(o).reverse());
      assert.equal(canonicalJson(o), canonicalJson(shuffled));
      assert.deepEqual(JSON.parse(canonicalJson(o)), o);
    }),
  );
  assert.equal(canonicalJson({ b: '张三', a: '' }), '{"a":"","b":"张三"}');
});

test('temporary password vectors (DESIGN §5.2)', () => {
  for (const v of vectors.temp_password) assert.equal(tempPassword(v.secret_hex, v.effective_at), v.password);
  assert.equal(hotp6('3132333435363738393031323334353637383930', 0), '755224');
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 0xffffffff }), (t) => {
      const p = tempPassword('a1b2c3d4e5f60718293a4b5c6d7e8f90', t);
      assert.match(p, /^\d{6}$/);
      assert.equal(p, tempPassword('a1b2c3d4e5f60718293a4b5c6d7e8f90', slotOf(t) * 300));
    }),
  );
});

test('time-sync vectors round-trip and forged keys are refused (DESIGN §5.3)', () => {
  for (const v of vectors.time_sync) {
    const keys = timeSyncKeys(v.secret_hex, v.lock_id, v.seq, v.server_time);
    assert.deepEqual(keys, { key1: v.key1, key2: v.key2 });
    assert.deepEqual(decodeTimeSync(v.secret_hex, v.lock_id, v.seq, v.key1, v.key2), { ok: true, serverTime: v.server_time });
    assert.equal(decodeTimeSync(v.secret_hex, v.lock_id, v.seq, v.key1, (v.key2 + 1) >>> 0).ok, false);
    assert.equal(decodeTimeSync(v.secret_hex, v.lock_id + 1, v.seq, v.key1, v.key2).ok, false);
  }
});

test('ID number vectors (DESIGN §5.5)', () => {
  for (const v of vectors.id_number) assert.equal(isValidIdNumber(v.id), v.valid, v.id);
});

test('every profile maps every outcome; 2017-10 drops by_mac and time_sync', () => {
  for (const p of Object.values(PROFILES)) for (const o of OUTCOMES) assert.ok(p.codes[o], `${p.name} ${o}`);
  assert.equal(PROFILES['kexin-2017-03'].endpoints.size, ENDPOINTS.length);
  assert.equal(PROFILES['kexin-2017-10'].endpoints.size, ENDPOINTS.length - 3);
  assert.equal(PROFILES['kexin-2017-03'].codes.no_gateway.code, 362);
  assert.deepEqual(PROFILES['kexin-2017-10'].codes.malformed_json, { http: 500, code: 500005 });
});

test('MQTT parsers drop malformed messages with a reason', () => {
  assert.equal(parseCommand('nope').ok, false);
  assert.equal(parseCommand('[]').ok, false);
  assert.equal(parseCommand('{"id":"a","lock_id":1,"op":"fly","args":{}}').ok, false);
  const ok = parseCommand('{"id":"a","lock_id":1,"op":"pwd_add","args":{"uid":3,"password":"012345","start":1,"end":2}}');
  assert.ok(ok.ok && ok.value.op === 'pwd_add' && ok.value.args.password === '012345');
  assert.equal(parseEvent('{"event_id":1,"lock_id":1,"type":"unlock","mode":4,"result":1,"uid":0,"lock_time":1}').ok, false);
  fc.assert(fc.property(fc.string(), (s) => { parseCommand(s); parseEvent(s); }));
});

test('every own key counts in the signed content, __proto__ included (DESIGN §5.1)', () => {
  const body = JSON.parse('{"app_id":"a","__proto__":{"x":1},"lock_id":1,"sign":"s"}') as Record<string, unknown>;
  assert.equal(signedContent(body), '{"__proto__":{"x":1},"app_id":"a","lock_id":1}');
  const changed = JSON.parse('{"app_id":"a","__proto__":{"x":2},"lock_id":1}') as Record<string, unknown>;
  assert.notEqual(signBody(body, 'k', 0), signBody(changed, 'k', 0), 'the member cannot change under a valid signature');
  assert.equal(canonicalJson(JSON.parse('{"o":{"__proto__":1}}')), '{"o":{"__proto__":1}}');
});
