import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBrokerUrl } from './broker-url.ts';

test('an external broker URL gives the cloud password and a URL without credentials (DESIGN §13)', () => {
  assert.deepEqual(parseBrokerUrl('mqtt://cloud:p%40ss@127.0.0.1:1884'), { ok: true, value: { url: 'mqtt://127.0.0.1:1884', cloudPassword: 'p@ss' } });
  for (const [raw, why] of [
    ['127.0.0.1:1884', /scheme|not a URL/], ['http://cloud:p@h:1', /scheme/], ['mqtt://gw:7:p@h:1', /user must be "cloud"/],
    ['mqtt://cloud@h:1', /no password/], ['mqtt://h:1', /user must be "cloud"/], ['nonsense', /not a URL/],
  ] as const) {
    const r = parseBrokerUrl(raw);
    assert.ok(!r.ok && why.test(r.error), `${raw}: ${JSON.stringify(r)}`);
    if (!r.ok) assert.ok(!r.error.includes('p@ss'));
  }
});
