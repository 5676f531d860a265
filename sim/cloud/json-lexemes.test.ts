import { test } from 'node:test';
import assert from 'node:assert/strict';
import { signBody } from '../protocol/index.ts';
import { nonIntegralNumberKeys } from './json-lexemes.ts';
import { APP_ID, APP_SECRET, LOCK, post, withWorld } from './cloud.test-kit.ts';

test('the scanner records top-level keys whose number lexeme has a fraction or exponent', () => {
  const keys = (text: string) => [...nonIntegralNumberKeys(text)].sort();
  assert.deepEqual(keys('{"a":1,"b":1.0,"c":1e6,"d":-2E+1,"e":"3.5","f":{"g":1.5},"h":[2.5]}'), ['b', 'c', 'd']);
  assert.deepEqual(keys('{ "k\\"\\u00e9" : 7.0 , "x" : 1 }'), ['k"é']);
  assert.deepEqual(keys('{"a":1.5,"a":1}'), [], 'the last duplicate wins, as in JSON.parse');
  assert.deepEqual(keys('{"a":1,"a":2.0}'), ['a']);
  assert.deepEqual(keys('{"a":"}{,\\"b\\":1.5"}'), []);
});

test('ENV-03: integral floats (1000001.0, 1.000001e6) are 400 for uint32 fields, naming the field (DESIGN §3.2 step 4)', () =>
  withWorld(async (w) => {
    const sign = signBody({ app_id: APP_ID, lock_id: LOCK }, APP_SECRET, w.clock.now());
    const send = (lexeme: string) => post(`${w.cloud.url}/third/lock/get`, `{"app_id":"${APP_ID}","lock_id":${lexeme},"sign":"${sign}"}`);
    assert.equal((await send(String(LOCK))).body.code, 200);
    for (const lexeme of ['1000001.0', '1.000001e6', '1000001E0', '10000010e-1']) {
      const r = await send(lexeme);
      assert.equal(r.body.code, 400, lexeme);
      assert.match(r.body.desc, /lock_id/, lexeme);
    }
  }));

test('SIGN: a __proto__ body member counts in the signed content (DESIGN §5.1)', () =>
  withWorld(async (w) => {
    const text = (x: number) => `{"app_id":"${APP_ID}","lock_id":${LOCK},"__proto__":{"x":${x}}`;
    const body = JSON.parse(`${text(1)}}`) as Record<string, unknown>;
    const sign = signBody(body, APP_SECRET, w.clock.now());
    assert.equal((await post(`${w.cloud.url}/third/lock/get`, `${text(1)},"sign":"${sign}"}`)).body.code, 200);
    assert.equal((await post(`${w.cloud.url}/third/lock/get`, `${text(2)},"sign":"${sign}"}`)).body.code, 401);
  }));
