import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseFixture } from './fixture.ts';

const fleet = JSON.parse(readFileSync(new URL('../../fixtures/fleet.json', import.meta.url), 'utf8'));

test('the default fleet is valid and gets every default of DESIGN §7', () => {
  const r = parseFixture(fleet);
  assert.ok(r.ok, r.ok ? '' : JSON.stringify(r.problems));
  const lock = r.fixture.locks.find((l) => l.lock_id === 1000005)!;
  assert.equal(lock.drift_ppm, 200);
  assert.equal(lock.battery_pct, 80);
  assert.deepEqual(lock.tolerance, { behind: 0, ahead: 0 });
  assert.equal(r.fixture.cloud.sign_skew_s, 300);
  assert.equal(r.fixture.world.tz_offset_min, 480);
});

test('every problem is reported with its JSON path', () => {
  const bad = structuredClone(fleet);
  bad.locks[1].secret_hex = 'xyz';
  bad.locks[2].battery_pct = 'full';
  bad.locks[3].tolerance = { behind: -1 };
  bad.apps[0].corp_ids = [0, 'a'];
  bad.gateways[0].locks.push(424242);
  bad.cloud.profile = 'kexin-2099';
  bad.locks[0].colour = 'red';
  const r = parseFixture(bad);
  assert.equal(r.ok, false);
  const paths = r.ok ? [] : r.problems.map((p) => p.path);
  for (const p of ['$.locks[1].secret_hex', '$.locks[2].battery_pct', '$.locks[3].tolerance.behind', '$.apps[0].corp_ids[1]',
    '$.gateways[0].locks[3]', '$.cloud.profile', '$.locks[0].colour']) assert.ok(paths.includes(p), `${p} in ${paths.join(', ')}`);
});

test('duplicates and missing required keys are problems; non-objects do not crash', () => {
  const dup = structuredClone(fleet);
  dup.locks[1].lock_id = dup.locks[0].lock_id;
  delete dup.apps[0].app_secret;
  const r = parseFixture(dup);
  assert.equal(r.ok, false);
  const msgs = r.ok ? [] : r.problems.map((p) => `${p.path} ${p.message}`);
  assert.ok(msgs.some((m) => m.startsWith('$.locks[1].lock_id duplicate')), msgs.join('\n'));
  assert.ok(msgs.some((m) => m === '$.apps[0].app_secret is required'), msgs.join('\n'));
  for (const raw of [null, 3, 'x', [], { locks: 'no' }]) assert.equal(parseFixture(raw).ok, false);
});

test('roles: ids must be locks or gateways of the fixture, `unknown` none, face images of members; problems name $.roles paths', () => {
  const ok = parseFixture(fleet);
  assert.ok(ok.ok);
  assert.equal(ok.fixture.roles.ids.main, 1000001);
  assert.equal(ok.fixture.roles.ids.mainGateway, 1000002);
  assert.equal(ok.fixture.roles.faceImages[100001], 'iVBORw0KGgo=');
  const bad = structuredClone(fleet);
  bad.roles.main = 4242;
  bad.roles.unknown = 1000001;
  bad.roles.sibling = 'x';
  bad.roles['bad-name'] = 1000001;
  bad.roles.face_images['999'] = 'iVBORw0KGgo=';
  bad.roles.face_images['100002'] = 'not base64!';
  const r = parseFixture(bad);
  assert.equal(r.ok, false);
  const paths = r.ok ? [] : r.problems.map((p) => p.path).sort();
  assert.deepEqual(paths, ['$.roles.bad-name', '$.roles.face_images.100002', '$.roles.face_images.999', '$.roles.main', '$.roles.sibling', '$.roles.unknown']);
  const none = structuredClone(fleet);
  delete none.roles;
  const n = parseFixture(none);
  assert.ok(n.ok);
  assert.deepEqual(n.fixture.roles, { ids: {}, faceImages: {} });
});
