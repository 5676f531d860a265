import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { signBody, type Body } from '../protocol/index.ts';
import {
  APP_ID, APP_SECRET, LOCK, LOCK_DELETED, LOCK_OTHER_CORP, MEMBER, FACE_IMAGE, post, startWorld, type TestWorld,
} from './cloud.test-kit.ts';
import type { CloudOptions } from './types.ts';

async function withWorld(over: Partial<CloudOptions>, fn: (w: TestWorld) => Promise<void>): Promise<void> {
  const w = await startWorld(over);
  try {
    await fn(w);
  } finally {
    await w.close();
  }
}

const faceBody = (): Body => ({ app_id: APP_ID, lock_id: LOCK, name: MEMBER.name, id_num: MEMBER.idNum, img_code: FACE_IMAGE.toString('base64') });

test('SIGN: the published vector is accepted and a correctly signed lock/get answers 200', () =>
  withWorld({}, async (w) => {
    w.clock.set(1487226152);
    const vector = { lock_id: 1, app_id: 'app_test' };
    assert.equal(signBody(vector, APP_SECRET, 1487226152), 'a707c749d0e02a7d8e7a4d670e8632c3');
    const r = await w.call('/third/lock/get', vector, { sign: 'a707c749d0e02a7d8e7a4d670e8632c3' });
    assert.equal(r.body.code, 350, 'sign accepted: the request got as far as the lock lookup');
    const ok = await w.call('/third/lock/get', { app_id: APP_ID, lock_id: LOCK });
    assert.equal(ok.status, 200);
    assert.equal(ok.contentType, 'application/json');
    assert.equal(ok.body.code, 200);
  }));

test('SIGN: uppercase hex, another body\'s sign, tampering, unknown app → 401; missing sign → 400 naming sign', () =>
  withWorld({}, async (w) => {
    const body = { app_id: APP_ID, lock_id: LOCK, attach: '' };
    const sign = signBody(body, APP_SECRET, w.clock.now());
    assert.equal((await w.call('/third/lock/open', body, { sign: sign.toUpperCase() })).body.code, 401);
    assert.equal((await w.call('/third/lock/open', { ...body, lock_id: LOCK + 2 }, { sign })).body.code, 401);
    assert.equal((await w.call('/third/lock/open', { ...body, attach: 'x' }, { sign })).body.code, 401);
    assert.equal((await w.call('/third/lock/get', { app_id: 'nobody', lock_id: LOCK })).body.code, 401);
    assert.equal((await w.call('/third/lock/get', { app_id: APP_ID, lock_id: LOCK }, { secret: 'wrong' })).body.code, 401);
    const missing = await w.call('/third/lock/get', { app_id: APP_ID, lock_id: LOCK }, { sign: null });
    assert.equal(missing.body.code, 400);
    assert.match(missing.body.desc, /\bsign\b/);
    const noApp = await w.call('/third/lock/get', { lock_id: LOCK });
    assert.equal(noApp.body.code, 400);
    assert.match(noApp.body.desc, /app_id/);
    assert.equal((await w.call('/third/lock/get', { app_id: APP_ID, lock_id: LOCK }, { sign: '' })).body.code, 400);
    assert.equal(w.cloud.stats.requests, 8);
  }));

test('SIGN: hour buckets of W ± sign_skew_s are accepted, two hours off is refused; skew 0 = this hour only', async () => {
  const h = Math.floor(1_700_000_000 / 3600) + 1;
  await withWorld({}, async (w) => {
    const body = { app_id: APP_ID, lock_id: LOCK };
    w.clock.set(h * 3600 + 299);
    assert.equal((await w.call('/third/lock/get', body, { at: (h - 1) * 3600 })).body.code, 200, 'previous hour within skew');
    w.clock.set(h * 3600 + 300);
    assert.equal((await w.call('/third/lock/get', body, { at: (h - 1) * 3600 })).body.code, 401, 'previous hour past skew');
    w.clock.set(h * 3600 + 3300);
    assert.equal((await w.call('/third/lock/get', body, { at: (h + 1) * 3600 })).body.code, 200, 'next hour within skew');
    assert.equal((await w.call('/third/lock/get', body, { at: (h - 2) * 3600 })).body.code, 401);
    assert.equal((await w.call('/third/lock/get', body, { at: (h + 2) * 3600 })).body.code, 401);
  });
  await withWorld({ signSkewS: 0 }, async (w) => {
    w.clock.set(h * 3600 + 1);
    assert.equal((await w.call('/third/lock/get', { app_id: APP_ID, lock_id: LOCK }, { at: (h - 1) * 3600 })).body.code, 401);
    assert.equal((await w.call('/third/lock/get', { app_id: APP_ID, lock_id: LOCK })).body.code, 200);
  });
});

test('SIGN: img_code is outside the signature on open/face only; CJK is signed as raw UTF-8', () =>
  withWorld({}, async (w) => {
    const body = faceBody();
    const sign = signBody(body, APP_SECRET, w.clock.now(), ['img_code']);
    const swapped = await w.call('/third/lock/open/face', { ...body, img_code: 'AAAA' }, { sign });
    assert.notEqual(swapped.body.code, 401, 'changing img_code keeps the sign valid');
    const inside = await w.call('/third/lock/open/face', body, { exclude: [] });
    assert.equal(inside.body.code, 401, 'a sign over img_code does not match');
    const escaped = JSON.stringify(body).replace('张三', '\\u5f20\\u4e09');
    const viaEscapes = await post(`${w.cloud.url}/third/lock/open/face`, escaped.replace(/}$/, `,"sign":"${sign}"}`));
    assert.notEqual(viaEscapes.body.code, 401, 'the canonical form is over the parsed value, not the bytes sent');
  }));

test('§3.2 order: bad sign beats bad field, bad field beats unknown lock, unknown lock beats corp', () =>
  withWorld({}, async (w) => {
    assert.equal((await w.call('/third/lock/get', { app_id: APP_ID, lock_id: '1' }, { secret: 'x' })).body.code, 401);
    const badField = await w.call('/third/lock/open', { app_id: APP_ID, lock_id: 99 });
    assert.equal(badField.body.code, 400);
    assert.match(badField.body.desc, /attach/);
    const otherApp = { app_id: 'app_other', lock_id: 99 };
    assert.equal((await w.call('/third/lock/get', otherApp, { secret: 'other-secret' })).body.code, 350);
    assert.equal((await w.call('/third/lock/get', { app_id: APP_ID, lock_id: LOCK_DELETED })).body.code, 350);
    assert.equal((await w.call('/third/lock/get', { app_id: APP_ID, lock_id: LOCK_OTHER_CORP })).body.code, 354);
    assert.equal((await w.call('/third/lock/get', { app_id: 'app_other', lock_id: LOCK }, { secret: 'other-secret' })).body.code, 354);
    assert.equal((await w.call('/third/lock/get', { app_id: APP_ID, lock_id: LOCK, extra: [1, { a: 2 }] })).body.code, 200, 'extra fields are ignored (but signed)');
  }));

const UINT32_FIELDS: { path: string; base: Body; field: string; zero: boolean }[] = [
  { path: '/third/lock/get', base: { lock_id: LOCK }, field: 'lock_id', zero: false },
  { path: '/third/lock/by_mac/get', base: { mac: '72:00:03:16:7d:41' }, field: '', zero: false },
  { path: '/third/lock/open', base: { lock_id: LOCK, attach: '' }, field: 'lock_id', zero: false },
  { path: '/third/lock/open/face', base: { lock_id: LOCK, name: MEMBER.name, id_num: MEMBER.idNum, img_code: 'AAAA' }, field: 'lock_id', zero: false },
  { path: '/third/lock/state/get', base: { lock_id: LOCK }, field: 'lock_id', zero: false },
  { path: '/third/lock/pwd/get', base: { lock_id: LOCK, effective_at: 1_700_000_100, expire: 300 }, field: 'lock_id', zero: false },
  { path: '/third/lock/pwd/get', base: { lock_id: LOCK, effective_at: 1_700_000_100, expire: 300 }, field: 'effective_at', zero: true },
  { path: '/third/lock/time_sync/seq/get', base: { lock_id: LOCK }, field: 'lock_id', zero: false },
  { path: '/third/lock/time_sync/result', base: { lock_id: LOCK, seq: 1, state: 1 }, field: 'lock_id', zero: false },
  { path: '/third/lock/time_sync/result', base: { lock_id: LOCK, seq: 1, state: 1 }, field: 'seq', zero: false },
  { path: '/third/v2/lock/pwd/get', base: { lock_id: LOCK, uid: 7, effective_at: 1_700_000_000, expire: 3600 }, field: 'lock_id', zero: false },
  { path: '/third/v2/lock/pwd/get', base: { lock_id: LOCK, uid: 7, effective_at: 1_700_000_000, expire: 3600 }, field: 'uid', zero: false },
  { path: '/third/v2/lock/pwd/get', base: { lock_id: LOCK, uid: 7, effective_at: 1_700_000_000, expire: 3600 }, field: 'effective_at', zero: true },
  { path: '/third/v2/lock/pwd/get', base: { lock_id: LOCK, uid: 7, effective_at: 1_700_000_000, expire: 3600 }, field: 'expire', zero: false },
  { path: '/third/v2/lock/pwd/del', base: { lock_id: LOCK, uid: 7 }, field: 'lock_id', zero: false },
  { path: '/third/v2/lock/pwd/del', base: { lock_id: LOCK, uid: 7 }, field: 'uid', zero: true },
  { path: '/third/v2/lock/open', base: { lock_id: LOCK, password: '123456' }, field: 'lock_id', zero: false },
].filter((c) => c.field !== '');

test('ENV-03: every uint32 field refuses strings, floats, negatives, booleans, null, 2^32, missing (and 0 unless allowed) naming the field', () =>
  withWorld({}, async (w) => {
    for (const c of UINT32_FIELDS) {
      const bad: unknown[] = ['1', 1.5, -1, true, null, 2 ** 32, undefined, [1], { n: 1 }];
      if (!c.zero) bad.push(0);
      for (const v of bad) {
        const body: Body = { app_id: APP_ID, ...c.base, [c.field]: v };
        if (v === undefined) delete body[c.field];
        const r = await w.call(c.path, body);
        assert.equal(r.body.code, 400, `${c.path} ${c.field}=${JSON.stringify(v)}`);
        assert.ok(r.body.desc.includes(c.field), `${c.path}: "${r.body.desc}" names ${c.field}`);
        assert.equal(r.body.data, null);
      }
    }
    const msg = await w.call('/third/lock/get', { app_id: APP_ID, lock_id: -5 });
    assert.equal(msg.body.desc, 'lock_id must be an unsigned 32-bit integer');
    assert.equal((await w.call('/third/v2/lock/pwd/get', { app_id: APP_ID, lock_id: LOCK, uid: 7, effective_at: 1_700_000_000, expire: 315_360_001 })).body.code, 400);
    assert.equal((await w.call('/third/lock/get', { app_id: APP_ID, lock_id: 4294967295 })).body.code, 350, 'the uint32 maximum is a valid id');
  }));

test('ENV-02: malformed JSON, arrays, empty bodies, GET and unknown paths (kexin-2017-03: HTTP 200 always)', () =>
  withWorld({}, async (w) => {
    for (const [text, code] of [['{', 400], ['', 400], ['[1,2]', 400], ['5', 400], ['null', 400], ['"x"', 400]] as const) {
      const r = await post(`${w.cloud.url}/third/lock/get`, text);
      assert.deepEqual([r.status, r.body.code, r.body.data], [200, code, null], `body ${JSON.stringify(text)}`);
      assert.equal(typeof r.body.desc, 'string');
    }
    const get = await post(`${w.cloud.url}/third/lock/get`, '', 'GET');
    assert.deepEqual([get.status, get.body.code], [200, 405]);
    const unknown = await post(`${w.cloud.url}/third/lock/nothing`, '{}');
    assert.deepEqual([unknown.status, unknown.body.code], [200, 404]);
    assert.equal((await post(`${w.cloud.url}/third/lock/get/`, '{}')).body.code, 404);
    const deep = `{"app_id":"${APP_ID}","sign":"x","k":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const tooDeep = await post(`${w.cloud.url}/third/lock/get`, deep);
    assert.deepEqual([tooDeep.body.code, tooDeep.body.desc], [400, 'body must not nest deeper than 32 levels']);
    const shallow = await post(`${w.cloud.url}/third/lock/get`, `{"app_id":"${APP_ID}","sign":"x","k":${'['.repeat(31)}${']'.repeat(31)}}`);
    assert.equal(shallow.body.code, 401, '32 levels are fine');
    assert.equal(w.cloud.stats.internalErrors, 0);
    const getUnknown = await post(`${w.cloud.url}/nope`, '', 'GET');
    assert.equal(getUnknown.body.code, 405, 'method is checked before path');
  }));

test('kexin-2017-10: HTTP status and 6-digit codes, removed endpoints answer 404, strict effective_at', () =>
  withWorld({ profile: 'kexin-2017-10' }, async (w) => {
    const malformed = await post(`${w.cloud.url}/third/lock/get`, '{"a":');
    assert.deepEqual([malformed.status, malformed.body.code], [500, 500005]);
    const arr = await post(`${w.cloud.url}/third/lock/get`, '[]');
    assert.deepEqual([arr.status, arr.body.code], [400, 400001]);
    const get = await post(`${w.cloud.url}/third/lock/get`, '', 'GET');
    assert.deepEqual([get.status, get.body.code], [405, 405]);
    for (const path of ['/third/lock/by_mac/get', '/third/lock/time_sync/seq/get', '/third/lock/time_sync/result']) {
      const r = await w.call(path, { app_id: APP_ID, lock_id: LOCK, mac: '72:00:03:16:7d:41', seq: 1, state: 1 });
      assert.deepEqual([r.status, r.body.code], [404, 404], path);
    }
    const sign = await w.call('/third/lock/get', { app_id: APP_ID, lock_id: LOCK }, { secret: 'x' });
    assert.deepEqual([sign.status, sign.body.code], [400, 400004]);
    const none = await w.call('/third/lock/get', { app_id: APP_ID, lock_id: 99 });
    assert.deepEqual([none.status, none.body.code], [404, 404003]);
    const corp = await w.call('/third/lock/get', { app_id: APP_ID, lock_id: LOCK_OTHER_CORP });
    assert.deepEqual([corp.status, corp.body.code], [403, 403013]);
    const ok = await w.call('/third/lock/get', { app_id: APP_ID, lock_id: LOCK });
    assert.deepEqual([ok.status, ok.body.code], [200, 200]);
    // World time 1700000000 is 2023-11-15 06:13:20 +08:00; that day starts at 1699977600.
    const pwd = (effective_at: number) => w.call('/third/lock/pwd/get', { app_id: APP_ID, lock_id: LOCK, effective_at, expire: 300 });
    assert.equal((await pwd(1_700_000_100)).body.code, 200, 'multiple of 300, today');
    assert.equal((await pwd(1_700_000_101)).body.code, 400001, 'not a multiple of 300');
    assert.equal((await pwd(1_699_977_600 + 86_400)).body.code, 400001, 'tomorrow');
    assert.equal((await pwd(1_699_977_600)).body.code, 403001, 'today, window over → 357 family');
  }));

test('INFO: lock/get returns exactly the documented fields; by_mac any case, malformed 400, unknown 350', () =>
  withWorld({}, async (w) => {
    const r = await w.call('/third/lock/get', { app_id: APP_ID, lock_id: LOCK });
    const d = r.body.data!;
    assert.deepEqual(Object.keys(d).sort(), [
      'bind_at', 'corp_id', 'descr', 'device_ver', 'firmware_ver', 'init_at', 'is_bind', 'is_del', 'is_init', 'lock_id', 'mac',
      'master', 'name', 'state', 'updated_at',
    ]);
    assert.equal(d.mac, '72:00:03:16:7d:41');
    assert.deepEqual(d.master, { name: 'xiao ming', tel: '13591951888' });
    for (const k of ['init_at', 'bind_at', 'updated_at']) assert.match(d[k] as string, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
    assert.equal(d.updated_at, '2016-09-26T15:23:35+08:00');
    assert.equal(d.state, 0);
    const upper = await w.call('/third/lock/by_mac/get', { app_id: APP_ID, mac: '72:00:03:16:7D:41' });
    const lower = await w.call('/third/lock/by_mac/get', { app_id: APP_ID, mac: '72:00:03:16:7d:41' });
    assert.deepEqual(upper.body, r.body);
    assert.deepEqual(lower.body, r.body);
    for (const mac of ['72:00:03:16:7d', '72-00-03-16-7d-41', '7200.0316.7d41', 'zz:00:03:16:7d:41', 42]) {
      const bad = await w.call('/third/lock/by_mac/get', { app_id: APP_ID, mac });
      assert.equal(bad.body.code, 400, String(mac));
      assert.match(bad.body.desc, /mac/);
    }
    assert.equal((await w.call('/third/lock/by_mac/get', { app_id: APP_ID, mac: '00:11:22:33:44:55' })).body.code, 350);
  }));

/** Send raw bytes on a fresh socket; resolve with everything the server sent once it closes. */
function rawExchange(port: number, send: (write: (b: string | Buffer) => boolean) => void, timeoutMs = 2000): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ port, host: '127.0.0.1', noDelay: true });
    const got: Buffer[] = [];
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`no close within ${timeoutMs} ms; got ${Buffer.concat(got).toString().slice(0, 200)}`));
    }, timeoutMs);
    s.on('data', (c) => got.push(c));
    s.on('error', () => undefined);
    s.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(got).toString('utf8'));
    });
    s.on('connect', () => send((b) => s.write(b)));
  });
}

test('ENV-02: a body over 256 KiB is answered 413 without reading the rest (declared and streamed)', () =>
  withWorld({}, async (w) => {
    const port = Number(new URL(w.cloud.url).port);
    const head = (extra: string) => `POST /third/lock/get HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n${extra}\r\n`;
    // Declares 10 MiB and sends nothing: refused on the header alone.
    const headerOnly = await rawExchange(port, (write) => write(head('Content-Length: 10485760\r\n')));
    assert.match(headerOnly, /"code":413/);
    // Declares 10 MiB and sends 300 KiB of it: the server must answer without waiting for the rest.
    const declared = await rawExchange(port, (write) => {
      write(head('Content-Length: 10485760\r\n'));
      write(Buffer.alloc(300 * 1024, 0x20));
    });
    assert.match(declared, /^HTTP\/1\.1 200 /);
    assert.match(declared, /connection: close/i);
    assert.deepEqual(JSON.parse(declared.slice(declared.indexOf('\r\n\r\n') + 4)), { code: 413, desc: 'body must be at most 262144 bytes', data: null });
    // Chunked, no length: counted as it streams; never terminated by the client.
    const streamed = await rawExchange(port, (write) => {
      write(head('Transfer-Encoding: chunked\r\n'));
      for (let i = 0; i < 5; i++) write(`10000\r\n${' '.repeat(0x10000)}\r\n`);
    });
    assert.match(streamed, /"code":413/);
    assert.equal(w.cloud.stats.bodyTooLarge, 3);
    const limit = 256 * 1024;
    const exact = `{"app_id":"${APP_ID}"}`.padEnd(limit, ' ');
    assert.equal(Buffer.byteLength(exact), limit);
    const atLimit = await post(`${w.cloud.url}/third/lock/get`, exact);
    assert.equal(atLimit.body.code, 400, 'exactly 256 KiB is read (and then refused for its missing sign)');
    assert.match(atLimit.body.desc, /sign/);
    const after = await w.call('/third/lock/get', { app_id: APP_ID, lock_id: LOCK });
    assert.equal(after.body.code, 200, 'the server keeps serving');
  }));

test('garbage on the wire gets an envelope, not a crash', () =>
  withWorld({}, async (w) => {
    const port = Number(new URL(w.cloud.url).port);
    const out = await rawExchange(port, (write) => write('NOT HTTP AT ALL\r\n\r\n'));
    assert.match(out, /"code":400/);
    assert.equal((await w.call('/third/lock/get', { app_id: APP_ID, lock_id: LOCK })).body.code, 200);
  }));
