import { isProfileName, type ProfileName } from '../protocol/profiles.ts';
import { LOCK_DEFAULTS as D } from '../protocol/lock-defaults.ts';
import { UINT32_MAX } from '../protocol/uint.ts';
import { FieldReader, type FixtureProblem } from './fixture-schema.ts';
import { readRoles, type FixtureRoles } from './fixture-roles.ts';
import { readFaults, type FixtureFaults } from './fixture-faults.ts';

/** A validated fixture with every default filled in (DESIGN §7). */
export interface Fixture {
  world: { start: number; tz_offset_min: number };
  cloud: {
    profile: ProfileName; sign_skew_s: number; ack_timeout_ms: number; time_sync_ttl_s: number;
    face_rate: { max: number; per_s: number }; face_provider_url: string; face_timeout_ms: number;
  };
  apps: { app_id: string; app_secret: string; corp_ids: number[]; push_url: string | null }[];
  gateways: { ap_id: number; secret: string; locks: number[] }[];
  locks: FixtureLock[];
  /** Seeded defects (`sim/defects.ts`, rooms lock, gateway, broker, cloud); empty by default. */
  defects: string[];
  /** What the locks and gateways are for in a conformance suite (extension; empty by default). */
  roles: FixtureRoles;
  /** Fault rates set at start and by every reset (fixture-faults.ts; none by default). */
  faults: FixtureFaults;
}

export interface FixtureMember {
  uid: number; name: string; id_num: string; face_sha256: string;
}

export interface FixtureLock {
  lock_id: number; mac: string; secret_hex: string; corp_id: number; name: string; descr: string;
  master: { name: string; tel: string }; device_ver: string; firmware_ver: string;
  is_init: boolean; is_bind: boolean; is_del: boolean; init_at: string; bind_at: string;
  drift_ppm: number; clock_offset_s: number; battery_pct: number; low_battery_pct: number;
  tolerance: { behind: number; ahead: number }; seq_start: number; capacity: number;
  lockout: { attempts: number; seconds: number };
  members: FixtureMember[];
}

export type FixtureResult = { ok: true; fixture: Fixture } | { ok: false; problems: FixtureProblem[] };

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const MAC = /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/;
const LOCK_KEYS = [
  'lock_id', 'mac', 'secret_hex', 'corp_id', 'name', 'descr', 'master', 'device_ver', 'firmware_ver', 'is_init', 'is_bind',
  'is_del', 'init_at', 'bind_at', 'drift_ppm', 'clock_offset_s', 'battery_pct', 'low_battery_pct', 'tolerance', 'seq_start',
  'capacity', 'lockout', 'members',
] as const;

function readLock(r: FieldReader, raw: unknown, p: string): FixtureLock {
  const o = r.object(raw, p);
  r.knownKeys(o, LOCK_KEYS, p);
  const master = r.object(o.master, `${p}.master`, true);
  r.knownKeys(master, ['name', 'tel'], `${p}.master`);
  const tol = r.object(o.tolerance, `${p}.tolerance`, true);
  r.knownKeys(tol, ['behind', 'ahead'], `${p}.tolerance`);
  const lockout = r.object(o.lockout, `${p}.lockout`, true);
  r.knownKeys(lockout, ['attempts', 'seconds'], `${p}.lockout`);
  const uint = { int: true, min: 0, max: UINT32_MAX };
  return {
    lock_id: r.id(o, 'lock_id', p),
    mac: r.str(o, 'mac', p, { re: MAC, hint: 'a MAC address xx:xx:xx:xx:xx:xx' }).toLowerCase(),
    secret_hex: r.str(o, 'secret_hex', p, { re: /^[0-9a-fA-F]{32}$/, hint: '32 hex digits (a 16-byte secret)' }),
    corp_id: r.num(o, 'corp_id', p, { def: 0, ...uint }),
    name: r.str(o, 'name', p, { def: '' }),
    descr: r.str(o, 'descr', p, { def: '' }),
    master: { name: r.str(master, 'name', `${p}.master`, { def: 'xiao ming' }), tel: r.str(master, 'tel', `${p}.master`, { def: '13591951888' }) },
    device_ver: r.str(o, 'device_ver', p, { def: 'ver' }),
    firmware_ver: r.str(o, 'firmware_ver', p, { def: D.firmwareVer }),
    is_init: r.bool(o, 'is_init', p, true),
    is_bind: r.bool(o, 'is_bind', p, true),
    is_del: r.bool(o, 'is_del', p, false),
    init_at: r.str(o, 'init_at', p, { def: '2016-09-26T15:23:35+08:00', re: RFC3339, hint: 'an RFC 3339 time' }),
    bind_at: r.str(o, 'bind_at', p, { def: '2016-09-08T15:20:03+08:00', re: RFC3339, hint: 'an RFC 3339 time' }),
    drift_ppm: r.num(o, 'drift_ppm', p, { def: D.driftPpm, min: -1e6, max: 1e6 }),
    clock_offset_s: r.num(o, 'clock_offset_s', p, { def: D.clockOffsetS, min: -1e9, max: 1e9 }),
    battery_pct: r.num(o, 'battery_pct', p, { def: D.batteryPct, min: 0, max: 100 }),
    low_battery_pct: r.num(o, 'low_battery_pct', p, { def: D.lowBatteryPct, min: 0, max: 100 }),
    tolerance: {
      behind: r.num(tol, 'behind', `${p}.tolerance`, { def: D.tolerance.behind, int: true, min: 0, max: 288 }),
      ahead: r.num(tol, 'ahead', `${p}.tolerance`, { def: D.tolerance.ahead, int: true, min: 0, max: 288 }),
    },
    seq_start: r.num(o, 'seq_start', p, { def: D.seqStart, ...uint }),
    capacity: r.num(o, 'capacity', p, { def: D.capacity, int: true, min: 0, max: 10000 }),
    lockout: {
      attempts: r.num(lockout, 'attempts', `${p}.lockout`, { def: D.lockout.attempts, int: true, min: 1, max: 1000 }),
      seconds: r.num(lockout, 'seconds', `${p}.lockout`, { def: D.lockout.seconds, min: 0, max: 86400 }),
    },
    members: r.array(o.members, `${p}.members`, true).map((m, i) => {
      const mp = `${p}.members[${i}]`;
      const mo = r.object(m, mp);
      r.knownKeys(mo, ['uid', 'name', 'id_num', 'face_sha256'], mp);
      return {
        uid: r.id(mo, 'uid', mp),
        name: r.str(mo, 'name', mp, { re: /^.{1,64}$/u, hint: '1 to 64 characters' }),
        id_num: r.str(mo, 'id_num', mp, { re: /^\d{17}[\dXx]$/, hint: 'an 18-character ID number' }),
        face_sha256: r.str(mo, 'face_sha256', mp, { def: '', re: /^([0-9a-f]{64})?$/, hint: '64 lowercase hex digits' }),
      };
    }),
  };
}

/** Validate raw JSON as a fixture, filling defaults; every problem is reported with its JSON path. */
export function parseFixture(raw: unknown): FixtureResult {
  const r = new FieldReader();
  const root = r.object(raw, '$');
  // `$schema` names the JSON Schema an editor completes the file with (schemas/fixture.schema.json); nothing else reads it.
  r.knownKeys(root, ['$schema', 'world', 'cloud', 'apps', 'gateways', 'locks', 'defects', 'roles', 'faults'], '$');
  if (root.$schema !== undefined) r.strAt(root.$schema, '$.$schema');
  const world = r.object(root.world, '$.world', true);
  r.knownKeys(world, ['start', 'tz_offset_min'], '$.world');
  const cloud = r.object(root.cloud, '$.cloud', true);
  r.knownKeys(cloud, ['profile', 'sign_skew_s', 'ack_timeout_ms', 'time_sync_ttl_s', 'face_rate', 'face_provider_url', 'face_timeout_ms'], '$.cloud');
  const faceRate = r.object(cloud.face_rate, '$.cloud.face_rate', true);
  r.knownKeys(faceRate, ['max', 'per_s'], '$.cloud.face_rate');
  const profile = r.str(cloud, 'profile', '$.cloud', { def: 'kexin-2017-03' });
  if (!isProfileName(profile)) r.problem('$.cloud.profile', 'must be "kexin-2017-03" or "kexin-2017-10"');

  const fixture: Fixture = {
    world: {
      start: r.num(world, 'start', '$.world', { def: 1700000000, int: true, min: 0, max: UINT32_MAX }),
      tz_offset_min: r.num(world, 'tz_offset_min', '$.world', { def: 480, int: true, min: -720, max: 840 }),
    },
    cloud: {
      profile: isProfileName(profile) ? profile : 'kexin-2017-03',
      sign_skew_s: r.num(cloud, 'sign_skew_s', '$.cloud', { def: 300, int: true, min: 0, max: 86400 }),
      ack_timeout_ms: r.num(cloud, 'ack_timeout_ms', '$.cloud', { def: 5000, int: true, min: 1, max: 600000 }),
      time_sync_ttl_s: r.num(cloud, 'time_sync_ttl_s', '$.cloud', { def: 300, int: true, min: 1, max: 86400 }),
      face_rate: {
        max: r.num(faceRate, 'max', '$.cloud.face_rate', { def: 3, int: true, min: 1, max: 1e6 }),
        per_s: r.num(faceRate, 'per_s', '$.cloud.face_rate', { def: 60, min: 1, max: 86400 }),
      },
      face_provider_url: r.str(cloud, 'face_provider_url', '$.cloud', { def: 'builtin', re: /^(builtin|https?:\/\/\S+)$/, hint: '"builtin" or an http(s) URL' }),
      face_timeout_ms: r.num(cloud, 'face_timeout_ms', '$.cloud', { def: 3000, int: true, min: 1, max: 600000 }),
    },
    apps: r.array(root.apps, '$.apps').map((a, i) => {
      const p = `$.apps[${i}]`;
      const o = r.object(a, p);
      r.knownKeys(o, ['app_id', 'app_secret', 'corp_ids', 'push_url'], p);
      const pushUrl = o.push_url === null ? null : r.str(o, 'push_url', p, { def: 'sink', re: /^(sink|https?:\/\/\S+)$/, hint: '"sink", null or an http(s) URL' });
      return {
        app_id: r.str(o, 'app_id', p, { re: /^\S{1,128}$/, hint: 'a non-empty string without spaces' }),
        app_secret: r.str(o, 'app_secret', p, { re: /^\S{8,256}$/, hint: 'a string of at least 8 characters' }),
        corp_ids: (o.corp_ids === undefined ? [0] : r.array(o.corp_ids, `${p}.corp_ids`)).map((c, j) =>
          r.numAt(c, `${p}.corp_ids[${j}]`, { int: true, min: 0, max: UINT32_MAX })),
        push_url: pushUrl,
      };
    }),
    gateways: r.array(root.gateways, '$.gateways', true).map((g, i) => {
      const p = `$.gateways[${i}]`;
      const o = r.object(g, p);
      r.knownKeys(o, ['ap_id', 'secret', 'locks'], p);
      return {
        ap_id: r.id(o, 'ap_id', p),
        secret: r.str(o, 'secret', p, { re: /^\S{4,256}$/, hint: 'a string of at least 4 characters' }),
        locks: r.array(o.locks, `${p}.locks`, true).map((l, j) => r.numAt(l, `${p}.locks[${j}]`, { int: true, min: 1, max: UINT32_MAX })),
      };
    }),
    locks: r.array(root.locks, '$.locks').map((l, i) => readLock(r, l, `$.locks[${i}]`)),
    defects: r.array(root.defects, '$.defects', true).map((d, i) => r.strAt(d, `$.defects[${i}]`)),
    roles: { ids: {}, faceImages: {} },
    faults: { gateways: [], push: null, locks: [] },
  };
  checkReferences(r, fixture);
  fixture.roles = readRoles(r, root.roles, new Set(fixture.locks.map((l) => l.lock_id)), new Set(fixture.gateways.map((g) => g.ap_id)),
    new Set(fixture.locks.flatMap((l) => l.members.map((m) => m.uid))));
  fixture.faults = readFaults(r, root.faults, new Set(fixture.gateways.map((g) => g.ap_id)), new Set(fixture.locks.map((l) => l.lock_id)));
  return r.problems.length === 0 ? { ok: true, fixture } : { ok: false, problems: r.problems };
}

function checkReferences(r: FieldReader, f: Fixture): void {
  const unique = <T>(items: T[], key: (t: T) => unknown, path: (i: number) => string, what: string): void => {
    const seen = new Set<unknown>();
    items.forEach((t, i) => {
      const k = key(t);
      if (seen.has(k)) r.problem(path(i), `duplicate ${what}`);
      seen.add(k);
    });
  };
  unique(f.apps, (a) => a.app_id, (i) => `$.apps[${i}].app_id`, 'app_id');
  unique(f.gateways, (g) => g.ap_id, (i) => `$.gateways[${i}].ap_id`, 'ap_id');
  unique(f.locks, (l) => l.lock_id, (i) => `$.locks[${i}].lock_id`, 'lock_id');
  unique(f.locks, (l) => l.mac, (i) => `$.locks[${i}].mac`, 'mac');
  const lockIds = new Set(f.locks.map((l) => l.lock_id));
  const owner = new Map<number, number>();
  f.gateways.forEach((g, i) => g.locks.forEach((id, j) => {
    if (!lockIds.has(id)) r.problem(`$.gateways[${i}].locks[${j}]`, `lock ${id} is not in $.locks`);
    if (owner.has(id)) r.problem(`$.gateways[${i}].locks[${j}]`, `lock ${id} is already behind gateway ${owner.get(id)}`);
    owner.set(id, g.ap_id);
  }));
  f.locks.forEach((l, i) => {
    unique(l.members, (m) => m.uid, (j) => `$.locks[${i}].members[${j}].uid`, 'uid');
  });
}
