import { test, expect } from '../harness/fixtures/index.ts';
import { ENDPOINTS, wireOf, type Body, type Endpoint } from '../sim/protocol/index.ts';
import { INT_FIELDS, badValues, endpointsOf, expectEnvelope, validFields } from './endpoint-bodies.test-kit.ts';

// TEST-PLAN ENV-03, ENV-04 — field types and ranges, and which lock (DESIGN §3.2 steps 4–6).

/** A MAC that no lock of any fleet has. */
const UNKNOWN_MAC = '00:00:00:00:00:01';

for (const path of ENDPOINTS.filter((e) => INT_FIELDS[e].length > 0)) {
  test(`${path}: each integer field refuses strings, floats, negatives, out of range and missing, naming the field`, { tag: '@ENV-03' }, async ({ api, fleet, needsEndpoint, session }) => {
    needsEndpoint(path);
    const lockId = fleet.need('main');
    const base = validFields(path, { lockId, mac: '', now: await session.now() });
    for (const f of INT_FIELDS[path]) {
      for (const { label, value } of badValues(f, base[f.name] as number)) {
        const fields: Body = { ...base, [f.name]: value };
        if (value === undefined) delete fields[f.name];
        const res = await api.send(path, fields);
        expect(res, `${f.name} ${label}: ${JSON.stringify(value)}`).toBeOutcome('bad_params');
        expect(res.envelope?.desc, `desc of ${f.name} ${label}`).toContain(f.name);
      }
      // Where the contract allows 0 (effective_at, v2 pwd/del uid), 0 passes the field check.
      const strictDay = session.profile === 'kexin-2017-10' && path === '/third/lock/pwd/get';
      if (f.min === 0 && !strictDay) {
        const res = await api.send(path, { ...base, [f.name]: 0 });
        expectEnvelope(res, `${f.name} 0`);
        expect(res.envelope?.code, `${f.name} 0 is allowed: ${res.text}`).not.toBe(wireOf(res.profile, 'bad_params').code);
      }
    }
  });
}

/** Every endpoint of the profile with a valid body naming `lockId` (by_mac names `mac`). */
function requests(profile: Parameters<typeof endpointsOf>[0], lockId: number, mac: string, now: number): [Endpoint, Body][] {
  return endpointsOf(profile).map((path) => [path, validFields(path, { lockId, mac, now })]);
}

test('an unknown lock → 350 on every lock endpoint', { tag: '@ENV-04' }, async ({ api, fleet, session }) => {
  for (const [path, fields] of requests(session.profile, fleet.roles.unknown, UNKNOWN_MAC, await session.now())) {
    expect(await api.send(path, fields)).toBeOutcome('no_lock');
  }
});

test('a deleted lock → 350 on every lock endpoint', { tag: '@ENV-04' }, async ({ api, fleet, session }) => {
  const deleted = fleet.need('deleted');
  // The deleted lock's MAC is not known to the suite (it cannot be read through the API), so by_mac is not asked.
  for (const [path, fields] of requests(session.profile, deleted, UNKNOWN_MAC, await session.now())) {
    if (path === '/third/lock/by_mac/get') continue;
    expect(await api.send(path, fields)).toBeOutcome('no_lock');
  }
});

test("another corp's lock → 354 on every lock endpoint", { tag: '@ENV-04' }, async ({ api, otherApi, fleet, session }) => {
  const foreign = fleet.need('otherCorp');
  // The lock exists: its own corp's app reads it (so 354 is about rights, not existence).
  const own = await otherApi.lockGet(foreign);
  expect(own).toBeOutcome('ok');
  const mac = String(own.envelope?.data?.mac);
  for (const [path, fields] of requests(session.profile, foreign, mac, await session.now())) {
    expect(await api.send(path, fields)).toBeOutcome('no_right');
  }
});
