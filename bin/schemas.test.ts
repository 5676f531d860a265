import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseFixture } from '../sim/world/fixture.ts';
import { resolveBench } from './bench-file.ts';
import { benchSchema } from './bench-schema.ts';
import { schemaErrors } from './json-schema.test-kit.ts';

// The shipped JSON Schemas (issue: editors complete fixture and bench files) and the loaders agree: every
// good file passes both, every bad one is refused by both. What a schema cannot say (unique ids, a
// secret's variable being set) is listed apart: the schema lets it through, the loader refuses it.
const read = (p: string): unknown => JSON.parse(readFileSync(p, 'utf8'));
const FIXTURE_SCHEMA = read('schemas/fixture.schema.json') as Record<string, unknown>;
const BENCH_SCHEMA = read('schemas/bench.schema.json') as Record<string, unknown>;

const SECRET = '5e0c9a7b31d24f68a0b1c2d3e4f50617';
const app = { app_id: 'app_test', app_secret: 'a0cc195a3034c6de34c9dfccf765117b' };
const lock = { lock_id: 1000001, mac: '72:00:03:16:7d:f0', secret_hex: 'a1b2c3d4e5f60718293a4b5c6d7e8f90' };
const fixture = (patch: Record<string, unknown>): Record<string, unknown> => ({ apps: [app], locks: [lock], ...patch });
const withLock = (l: Record<string, unknown>) => fixture({ locks: [{ ...lock, ...l }] });

const GOOD_FIXTURES: Record<string, unknown> = {
  'fixtures/fleet.json': read('fixtures/fleet.json'),
  minimal: fixture({}),
  'every lock key': withLock({
    corp_id: 3, name: 'n', descr: 'd', master: { name: 'm', tel: '1' }, device_ver: 'v', firmware_ver: 'f', is_init: true, is_bind: false,
    is_del: false, init_at: '2016-09-26T15:23:35+08:00', bind_at: '2016-09-08T15:20:03Z', drift_ppm: -12.5, clock_offset_s: 3, battery_pct: 80,
    low_battery_pct: 20, tolerance: { behind: 1, ahead: 2 }, seq_start: 9, capacity: 10, lockout: { attempts: 3, seconds: 8.5 },
    members: [{ uid: 5, name: '张三', id_num: '11010519491231002X', face_sha256: '' }],
  }),
  'push_url null, a gateway, roles': fixture({
    apps: [{ ...app, push_url: null, corp_ids: [0, 7] }], gateways: [{ ap_id: 7, secret: 'gw-s', locks: [1000001] }],
    roles: { main: 1000001, unknown: 99 }, defects: ['cloud-360-for-362'], $schema: '../schemas/fixture.schema.json',
  }),
  'fault rates': fixture({
    gateways: [{ ap_id: 7, secret: 'gw-s', locks: [1000001] }],
    faults: { gateways: [{ ap_id: 7, drop_rate: 0.1, latency_ms: { mean: 20, jitter: 15 } }], push: { fail_rate: 0.05, status: 503 }, locks: [{ lock_id: 1000001, loss_rate: 0.05 }] },
  }),
};

const BAD_FIXTURES: Record<string, unknown> = {
  'no apps': { locks: [] },
  'a lock without mac': fixture({ locks: [{ lock_id: 1, secret_hex: lock.secret_hex }] }),
  'secret_hex of 31 digits': withLock({ secret_hex: 'a'.repeat(31) }),
  'an unknown root key': fixture({ lcoks: [] }),
  'tolerance beyond 288': withLock({ tolerance: { behind: 289 } }),
  'a typo inside tolerance': withLock({ tolerance: { behnid: 1 } }),
  'a typo inside master': withLock({ master: { nmae: 'x' } }),
  'a bad id number': withLock({ members: [{ uid: 5, name: 'a', id_num: '1234' }] }),
  'push_url ftp': fixture({ apps: [{ ...app, push_url: 'ftp://x' }] }),
  'an unknown profile': fixture({ cloud: { profile: 'kexin-2018' } }),
  'a negative start': fixture({ world: { start: -1 } }),
  '$schema not a string': fixture({ $schema: 5 }),
  'a role name with _': fixture({ roles: { main_door: 1000001 } }),
  'a gateway lock not an integer': fixture({ gateways: [{ ap_id: 7, secret: 'gw-s', locks: ['x'] }] }),
  'face_rate.per_s 0': fixture({ cloud: { face_rate: { per_s: 0 } } }),
  'lock_id 0': withLock({ lock_id: 0 }),
  'a defect not a string': fixture({ defects: [1] }),
  'init_at not RFC 3339': withLock({ init_at: '2016-09-26 15:23' }),
  'a drop_rate above 1': fixture({ gateways: [{ ap_id: 7, secret: 'gw-s' }], faults: { gateways: [{ ap_id: 7, drop_rate: 1.5 }] } }),
  'a typo in faults': fixture({ faults: { push: { fail_rte: 0.1 } } }),
  'a loss_rate missing': fixture({ faults: { locks: [{ lock_id: 1000001 }] } }),
};

const FIXTURE_LOADER_ONLY: Record<string, unknown> = {
  'duplicate lock ids': fixture({ locks: [lock, { ...lock, mac: '72:00:03:16:7d:f1' }] }),
  'a gateway lock that is not in locks': fixture({ gateways: [{ ap_id: 7, secret: 'gw-s', locks: [42] }] }),
  'faults on a gateway that is not in gateways': fixture({ faults: { gateways: [{ ap_id: 7, drop_rate: 0.1 }] } }),
  'a jitter above the mean': fixture({ gateways: [{ ap_id: 7, secret: 'gw-s' }], faults: { gateways: [{ ap_id: 7, latency_ms: { mean: 5, jitter: 6 } }] } }),
};

const lab = { target: 'lab', serial: '/dev/ttyUSB0', lock_id: 1, lock_secret: { env: 'S' } };
const bench = (patch: Record<string, unknown>): Record<string, unknown> => ({ places: { door: lab }, ...patch });
const ENV = { S: SECRET, G: 'gw-secret', A: 'app-secret', M: 'mqtt://cloud:p@h:1883' };

const GOOD_BENCHES: Record<string, unknown> = {
  'one lab place': bench({}),
  'every run key, every lab key': bench({
    $schema: './schemas/bench.schema.json',
    run: { profile: 'kexin-2017-10', seed: 0, workers: 2, signer: 's.ts', reports: 'r', matrix_dir: 'm', blob_dir: 'b', allow_missing: false, chromium: '/usr/bin/chromium', mosquitto_plugin: '/x.so' },
    places: { door: { ...lab, lab_state: 's.json', max_ppm: 0.5, lockout_attempts: 5, lockout_s: 60, bench_control: 'http://127.0.0.1:1', run: { workers: 1 } } },
  }),
  'four places and a default': {
    default_place: 'gw',
    places: {
      door: lab,
      gw: { target: 'gateway', ap_id: 7001, secret: { env: 'G' }, lock_ids: [3001, 3002], lock_secret: { env: 'S' }, mqtt_host: '0.0.0.0', mqtt_port: 1883, wait_s: 60, ack_timeout_ms: 3000 },
      staging: { target: 'remote', api_url: 'https://api.example', app_id: 'a', app_secret: { env: 'A' }, lock_id: 5 },
      local: { target: 'sim', fixture: 'fixtures/fleet.json', mqtt_url: { env: 'M' }, defects: ['cloud-360-for-362'] },
    },
  },
};

const BAD_BENCHES: Record<string, unknown> = {
  'an inline secret': bench({ places: { door: { ...lab, lock_secret: SECRET } } }),
  'an unknown place key': bench({ places: { door: { ...lab, serail: '/dev/x' } } }),
  'an unknown target': bench({ places: { door: { ...lab, target: 'cloud' } } }),
  'no target': bench({ places: { door: { serial: '/dev/x' } } }),
  'an empty lock list': { places: { gw: { target: 'gateway', ap_id: 1, secret: { env: 'G' }, lock_ids: [], lock_secret: { env: 'S' } } } },
  'max_ppm 0': bench({ places: { door: { ...lab, max_ppm: 0 } } }),
  'a negative seed': bench({ run: { seed: -1 } }),
  'no places': { places: {} },
  'places missing': { run: {} },
  'a reference to a bad name': bench({ places: { door: { ...lab, lock_secret: { env: '1X' } } } }),
  'workers 1.5': bench({ run: { workers: 1.5 } }),
  'a lab place without serial': bench({ places: { door: { target: 'lab', lock_id: 1, lock_secret: { env: 'S' } } } }),
  'mqtt_port 70000': { places: { gw: { target: 'gateway', ap_id: 1, secret: { env: 'G' }, lock_ids: [1], lock_secret: { env: 'S' }, mqtt_port: 70000 } } },
  'allow_missing "yes"': bench({ run: { allow_missing: 'yes' } }),
  'a place name with a space': { places: { 'front door': lab } },
  'an unknown root key': bench({ place: 'door' }),
};

const BENCH_LOADER_ONLY: Record<string, unknown> = {
  'several places, no default_place': { places: { a: lab, b: lab } },
  'default_place naming no place': bench({ default_place: 'attic' }),
};

const fixtureOk = (raw: unknown): boolean => parseFixture(raw).ok;
const benchOk = (raw: unknown): boolean => resolveBench(raw, { env: ENV, dir: '/bench' }).ok;

for (const [what, schema, loaderOk, good, bad, loaderOnly] of [
  ['fixture', FIXTURE_SCHEMA, fixtureOk, GOOD_FIXTURES, BAD_FIXTURES, FIXTURE_LOADER_ONLY],
  ['bench', BENCH_SCHEMA, benchOk, GOOD_BENCHES, BAD_BENCHES, BENCH_LOADER_ONLY],
] as const) {
  test(`${what} schema and loader agree on good files`, () => {
    for (const [name, raw] of Object.entries(good)) {
      assert.deepEqual(schemaErrors(schema, raw), [], `${name}: the schema refuses it`);
      assert.ok(loaderOk(raw), `${name}: the loader refuses it`);
    }
  });
  test(`${what} schema and loader agree on bad files`, () => {
    for (const [name, raw] of Object.entries(bad)) {
      assert.notDeepEqual(schemaErrors(schema, raw), [], `${name}: the schema accepts it`);
      assert.ok(!loaderOk(raw), `${name}: the loader accepts it`);
    }
  });
  test(`${what}: what only the loader can check is refused by it`, () => {
    for (const [name, raw] of Object.entries(loaderOnly)) {
      assert.deepEqual(schemaErrors(schema, raw), [], `${name}: the schema was expected to let it through`);
      assert.ok(!loaderOk(raw), `${name}: the loader accepts it`);
    }
  });
}

test('schemas/bench.schema.json is the schema of the loader\'s own tables (regenerate: node --import tsx bin/bench-schema.ts > schemas/bench.schema.json)', () => {
  assert.deepEqual(BENCH_SCHEMA, benchSchema());
});

test('every shipped fixture names its schema', () => {
  assert.equal((read('fixtures/fleet.json') as { $schema?: string }).$schema, '../schemas/fixture.schema.json');
});
