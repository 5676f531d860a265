import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ENDPOINTS, signBody } from '../protocol/index.ts';
import { APP_ID, APP_SECRET, LOCK, LOCK2, LOCK_NO_AP, LOCK_OTHER_CORP, LOCK_UNBOUND, MEMBER, post, startWorld, type Answer, type TestWorld } from './cloud.test-kit.ts';

let w: TestWorld;
before(async () => {
  w = await startWorld();
});
after(() => w.close());

const FIELD_NAMES = ['lock_id', 'mac', 'attach', 'name', 'id_num', 'img_code', 'effective_at', 'expire', 'seq', 'state', 'uid', 'password'];

/** Values near the valid ones as well as anything JSON can hold. */
const fieldValue = fc.oneof(
  fc.constantFrom(LOCK, 0, 1, 2, 300, -1, 1.5, 2 ** 32, 4294967295, 1_700_000_000, '', '123456', MEMBER.idNum, MEMBER.name, 'AAAA', '72:00:03:16:7d:41', true, null),
  fc.integer(),
  fc.double(),
  fc.string(),
  fc.jsonValue(),
);

/** A valid body per endpoint, to mutate. */
const BASES: Record<string, Record<string, unknown>> = {
  '/third/lock/get': { lock_id: LOCK },
  '/third/lock/by_mac/get': { mac: '72:00:03:16:7d:41' },
  '/third/lock/open': { lock_id: LOCK, attach: '' },
  '/third/lock/open/face': { lock_id: LOCK, name: MEMBER.name, id_num: MEMBER.idNum, img_code: 'AAAA' },
  '/third/lock/state/get': { lock_id: LOCK },
  '/third/lock/pwd/get': { lock_id: LOCK, effective_at: 1_700_000_100, expire: 300 },
  '/third/lock/time_sync/seq/get': { lock_id: LOCK },
  '/third/lock/time_sync/result': { lock_id: LOCK, seq: 1, state: 1 },
  '/third/v2/lock/pwd/get': { lock_id: LOCK, uid: 7, effective_at: 1_700_000_000, expire: 3600 },
  '/third/v2/lock/pwd/del': { lock_id: LOCK, uid: 7 },
  '/third/v2/lock/open': { lock_id: LOCK, password: '123456' },
};

/** A valid body of the endpoint with some fields replaced, dropped or added, signed correctly so it reaches the deep steps. */
const signedBody = (endpoint: string) =>
  fc.record({
    lockId: fc.constantFrom(LOCK, LOCK2, LOCK_NO_AP, LOCK_UNBOUND, LOCK_OTHER_CORP, 99),
    changes: fc.dictionary(fc.constantFrom(...FIELD_NAMES), fieldValue, { noNullPrototype: true, maxKeys: 2 }),
    drop: fc.option(fc.constantFrom(...FIELD_NAMES)),
  }).map(({ lockId, changes, drop }) => {
    const body: Record<string, unknown> = { ...BASES[endpoint], lock_id: lockId, ...changes, app_id: APP_ID };
    if (drop !== null) delete body[drop];
    const exclude = endpoint === '/third/lock/open/face' ? ['img_code'] : [];
    return JSON.stringify({ ...body, sign: signBody(body, APP_SECRET, 1_700_000_000, exclude) });
  });

const anyBody = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v) ?? ''),
  fc.string(),
  fc.uint8Array({ maxLength: 512 }).map((b) => Buffer.from(b)),
);

const request = fc.oneof(
  fc.constantFrom(...ENDPOINTS).chain((p) => fc.tuple(fc.constant<string>(p), fc.oneof(signedBody(p), anyBody))),
  fc.tuple(fc.constantFrom('/', '/third/lock', '/third/lock/get?x=1', '/%ff', '/third/../third/lock/get'), anyBody),
);

function assertEnvelope(r: Answer): void {
  assert.equal(r.status, 200, 'kexin-2017-03 answers HTTP 200 always');
  assert.equal(r.contentType, 'application/json');
  assert.deepEqual(Object.keys(r.body).sort(), ['code', 'data', 'desc']);
  assert.ok(Number.isInteger(r.body.code));
  assert.equal(typeof r.body.desc, 'string');
  assert.ok(r.body.data === null || (typeof r.body.data === 'object' && !Array.isArray(r.body.data)));
  if (r.body.code !== 200) assert.equal(r.body.data, null);
  assert.notEqual(r.body.code, 500, `no internal error: ${r.body.desc}`);
}

test('ENV-05: random bodies at every endpoint always get an envelope, never a 5xx, and the server keeps serving', async () => {
  await fc.assert(
    fc.asyncProperty(request, async ([p, body]) => {
      // Each run starts from the same world time so signed bodies stay inside their hour.
      w.clock.set(1_700_000_000);
      assertEnvelope(await post(w.cloud.url + p, body));
    }),
    { numRuns: 300 },
  );
  assert.equal(w.cloud.stats.internalErrors, 0);
  const ok = await w.call('/third/lock/get', { app_id: APP_ID, lock_id: LOCK });
  assert.equal(ok.body.code, 200);
});
