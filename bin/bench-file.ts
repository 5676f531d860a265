/**
 * The bench file (`lockbench.config.json`, docs/bench-file.md): the places of one bench — a serial lock
 * (`lab`, DESIGN §11), a physical gateway with its locks (`gateway`, §12), a remote cloud (`remote`, §8),
 * the simulator (`sim`) — each turned into the `LOCKBENCH_*` variables its target already reads (README
 * "Variables"). Pure: raw JSON and an environment in, variables or JSON-path problems out.
 *
 * Secrets are references to environment variables (`{"env": "LAB_GW_SECRET"}`), never inline: a bench file
 * is versioned with the bench, and a secret in it would be in every clone and log of it.
 */
import { isAbsolute, resolve } from 'node:path';
import { isProfileName } from '../sim/protocol/index.ts';
import { FieldReader, type FixtureProblem } from '../sim/world/fixture-schema.ts';

export const TARGETS = ['lab', 'gateway', 'remote', 'sim'] as const;
export type BenchTarget = (typeof TARGETS)[number];

/** How a key's value becomes a variable's text. */
type Kind =
  | { is: 'text' }
  | { is: 'path' }
  | { is: 'url' }
  | { is: 'id' }
  | { is: 'ids' }
  | { is: 'names' }
  | { is: 'flag' }
  | { is: 'profile' }
  | { is: 'int'; min: number; max: number }
  | { is: 'number'; min: number }
  | { is: 'secret'; re?: RegExp; hint?: string };

/** One key of the bench file and the variable it sets; `unless` are variables that override it too. */
export interface Setting {
  key: string;
  variable: string;
  kind: Kind;
  unless?: readonly string[];
}

const s = (key: string, variable: string, kind: Kind, unless?: readonly string[]): Setting => ({ key, variable: `LOCKBENCH_${variable}`, kind, ...(unless ? { unless } : {}) });
const HEX32 = { re: /^[0-9a-fA-F]{32}$/, hint: '32 hex digits (the lock\'s 16-byte secret)' };

/** Settings of every run, in `$.run` or a place's own `run` (which wins). */
export const RUN_SETTINGS: readonly Setting[] = [
  s('profile', 'PROFILE', { is: 'profile' }),
  s('seed', 'SEED', { is: 'int', min: 0, max: 0xffffffff }),
  s('workers', 'WORKERS', { is: 'int', min: 1, max: 64 }),
  s('signer', 'SIGNER', { is: 'path' }),
  s('reports', 'REPORTS', { is: 'path' }),
  s('matrix_dir', 'MATRIX_DIR', { is: 'path' }),
  s('blob_dir', 'BLOB_DIR', { is: 'path' }),
  s('allow_missing', 'ALLOW_MISSING', { is: 'flag' }),
  s('chromium', 'CHROMIUM', { is: 'path' }),
  s('mosquitto_plugin', 'MOSQUITTO_PLUGIN', { is: 'path' }),
];

/** Each target's place keys (DESIGN §8, §11, §12, §13). */
export const PLACE_SETTINGS: Record<BenchTarget, readonly Setting[]> = {
  lab: [
    s('serial', 'SERIAL', { is: 'text' }),
    s('lock_id', 'LOCK_ID', { is: 'id' }),
    s('lock_secret', 'LOCK_SECRET', { is: 'secret', ...HEX32 }),
    s('lab_state', 'LAB_STATE', { is: 'path' }),
    s('max_ppm', 'LOCK_MAX_PPM', { is: 'number', min: 0 }),
    s('lockout_attempts', 'LOCK_LOCKOUT_ATTEMPTS', { is: 'int', min: 1, max: 100 }),
    s('lockout_s', 'LOCK_LOCKOUT_S', { is: 'int', min: 1, max: 3600 }),
    s('bench_control', 'BENCH_CONTROL', { is: 'url' }),
  ],
  gateway: [
    s('ap_id', 'GATEWAY_AP_ID', { is: 'id' }),
    s('secret', 'GATEWAY_SECRET', { is: 'secret' }),
    // DESIGN §12: LOCKBENCH_LOCK_ID or the list; either real variable overrides the file's list.
    s('lock_ids', 'LOCK_IDS', { is: 'ids' }, ['LOCKBENCH_LOCK_ID']),
    s('lock_secret', 'LOCK_SECRET', { is: 'secret', ...HEX32 }),
    s('mqtt_host', 'MQTT_HOST', { is: 'text' }),
    s('mqtt_port', 'MQTT_PORT', { is: 'int', min: 1, max: 65535 }),
    s('wait_s', 'GATEWAY_WAIT_S', { is: 'int', min: 1, max: 86400 }),
    s('ack_timeout_ms', 'ACK_TIMEOUT_MS', { is: 'int', min: 1, max: 600000 }),
  ],
  remote: [
    s('api_url', 'API_URL', { is: 'url' }),
    s('app_id', 'APP_ID', { is: 'text' }),
    s('app_secret', 'APP_SECRET', { is: 'secret' }),
    s('lock_id', 'LOCK_ID', { is: 'id' }),
  ],
  sim: [
    s('fixture', 'FIXTURE', { is: 'path' }),
    s('mqtt_url', 'MQTT_URL', { is: 'secret' }),
    s('mqtt_tap_url', 'MQTT_TAP_URL', { is: 'secret' }),
    s('defects', 'DEFECTS', { is: 'names' }),
  ],
};

/** Keys each target cannot run without (the preflight's list, harness/targets/preflight.ts, as keys). */
export const PLACE_REQUIRED: Record<BenchTarget, readonly string[]> = {
  lab: ['serial', 'lock_id', 'lock_secret'],
  gateway: ['ap_id', 'secret', 'lock_ids', 'lock_secret'],
  remote: ['api_url', 'app_id', 'app_secret', 'lock_id'],
  sim: [],
};

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PLACE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** A bench resolved for one place: the target and the variables the file sets (before real ones override). */
export interface BenchPlace {
  place: string;
  target: BenchTarget;
  variables: Record<string, string>;
}

export type BenchResult = { ok: true; bench: BenchPlace } | { ok: false; problems: FixtureProblem[] };

interface Context {
  r: FieldReader;
  /** The bench file's folder: relative paths are relative to it. */
  dir: string;
  env: NodeJS.ProcessEnv;
  /** Only the picked place's secrets are looked up (another place's may be unset on this host). */
  lookUpSecrets: boolean;
}

/** A secret `{"env": NAME}` → the variable's value (a problem naming NAME when it is not set). */
function secretOf(c: Context, v: unknown, p: string, set: Setting): string | undefined {
  if (typeof v === 'string') {
    c.r.problem(p, 'is a secret: give it by reference, {"env": "VARIABLE"}, never inline');
    return undefined;
  }
  const o = c.r.object(v, p);
  c.r.knownKeys(o, ['env'], p);
  const name = c.r.strAt(o.env, `${p}.env`, { re: ENV_NAME, hint: 'an environment variable name' });
  if (!c.lookUpSecrets || !ENV_NAME.test(name)) return undefined;
  const value = c.env[name];
  if (value === undefined || value === '') {
    c.r.problem(p, `references environment variable ${name}, which is not set (set it, or set ${set.variable} itself)`);
    return undefined;
  }
  if (set.kind.is === 'secret' && set.kind.re && !set.kind.re.test(value)) c.r.problem(p, `environment variable ${name} must hold ${set.kind.hint}`);
  return value;
}

/** One key's value as its variable's text, or undefined (absent, or a problem recorded). */
function valueOf(c: Context, set: Setting, v: unknown, p: string): string | undefined {
  const { r } = c;
  const before = r.problems.length;
  const ok = (text: string): string | undefined => (r.problems.length === before ? text : undefined);
  const k = set.kind;
  switch (k.is) {
    case 'secret': return secretOf(c, v, p, set);
    case 'text': return ok(r.strAt(v, p, { re: /^\S.{0,1023}$/, hint: 'a non-empty string' }));
    case 'path': {
      const text = r.strAt(v, p, { re: /^\S.{0,4095}$/, hint: 'a non-empty path' });
      return ok(isAbsolute(text) ? text : resolve(c.dir, text));
    }
    case 'url': return ok(r.strAt(v, p, { re: /^https?:\/\/\S+$/, hint: 'an http(s) URL' }));
    case 'id': return ok(String(r.numAt(v, p, { int: true, min: 1, max: 0xffffffff })));
    case 'int': return ok(String(r.numAt(v, p, { int: true, min: k.min, max: k.max })));
    case 'number': {
      if (typeof v !== 'number' || !Number.isFinite(v) || v <= k.min) r.problem(p, `must be a number > ${k.min}`);
      return ok(String(v));
    }
    case 'profile': {
      const text = r.strAt(v, p);
      if (r.problems.length === before && !isProfileName(text)) r.problem(p, 'must be "kexin-2017-03" or "kexin-2017-10"');
      return ok(text);
    }
    case 'flag': {
      if (typeof v !== 'boolean') r.problem(p, 'must be a boolean');
      return v === true ? '1' : undefined;
    }
    case 'ids': {
      const list = r.array(v, p).map((x, i) => r.numAt(x, `${p}[${i}]`, { int: true, min: 1, max: 0xffffffff }));
      if (Array.isArray(v) && v.length === 0) r.problem(p, 'must list at least one lock id');
      return ok(list.join(','));
    }
    case 'names': return ok(r.array(v, p).map((x, i) => r.strAt(x, `${p}[${i}]`, { re: /^[a-z0-9][a-z0-9-]*$/, hint: 'a defect name' })).join(','));
  }
}

/** Read the settings of one object (`$.run`, a place) into `into`; unknown keys are problems. */
function readSettings(c: Context, o: Record<string, unknown>, p: string, settings: readonly Setting[], extra: readonly string[], into: Record<string, string>): void {
  c.r.knownKeys(o, [...settings.map((x) => x.key), ...extra], p);
  for (const set of settings) {
    if (o[set.key] === undefined) continue;
    // A real variable overrides the file (README "Variables"): its secret need not be set, nor its value read.
    const overridden = [set.variable, ...(set.unless ?? [])].some((n) => c.env[n] !== undefined);
    const v = valueOf({ ...c, lookUpSecrets: c.lookUpSecrets && !overridden }, set, o[set.key], `${p}.${set.key}`);
    if (v !== undefined) into[set.variable] = v;
  }
}

/**
 * Validate a bench file (every place, so a bad one is found before its day comes) and resolve the
 * place `pick` (default: `default_place`, else the only one) into variables. `dir` is the file's folder.
 */
export function resolveBench(raw: unknown, o: { pick?: string; env: NodeJS.ProcessEnv; dir: string }): BenchResult {
  const r = new FieldReader();
  const root = r.object(raw, '$');
  r.knownKeys(root, ['$schema', 'run', 'default_place', 'places'], '$');
  if (root.$schema !== undefined) r.strAt(root.$schema, '$.$schema');
  const places = r.object(root.places, '$.places');
  const names = Object.keys(places);
  if (root.places !== undefined && names.length === 0) r.problem('$.places', 'must hold at least one place');
  const fallback = root.default_place === undefined ? undefined : r.strAt(root.default_place, '$.default_place');
  if (fallback !== undefined && !names.includes(fallback)) r.problem('$.default_place', `"${fallback}" is not a place of $.places (${names.join(', ')})`);
  const pick = o.pick ?? fallback ?? (names.length === 1 ? names[0] : undefined);
  if (pick === undefined && names.length > 1) r.problem('$.default_place', `several places (${names.join(', ')}): pick one with --place NAME or set $.default_place`);
  if (o.pick !== undefined && !names.includes(o.pick)) r.problem('$.places', `no place "${o.pick}" (--place); the places are ${names.join(', ')}`);

  const variables: Record<string, string> = {};
  const base: Context = { r, dir: o.dir, env: o.env, lookUpSecrets: false };
  readSettings(base, r.object(root.run, '$.run', true), '$.run', RUN_SETTINGS, [], variables);
  let target: BenchTarget = 'sim';
  for (const name of names) {
    const p = `$.places.${name}`;
    if (!PLACE_NAME.test(name)) r.problem(p, 'a place name is letters, digits, "_", "." or "-" (at most 64)');
    const place = r.object(places[name], p);
    const t = r.strAt(place.target, `${p}.target`);
    if (!(TARGETS as readonly string[]).includes(t)) {
      if (typeof place.target === 'string') r.problem(`${p}.target`, `must be one of ${TARGETS.join(', ')}`);
      continue;
    }
    const kind = t as BenchTarget;
    const own: Record<string, string> = {};
    const c = { ...base, lookUpSecrets: name === pick };
    readSettings(c, place, p, PLACE_SETTINGS[kind], ['target', 'run'], own);
    readSettings(c, r.object(place.run, `${p}.run`, true), `${p}.run`, RUN_SETTINGS, [], own);
    for (const key of PLACE_REQUIRED[kind]) {
      const set = PLACE_SETTINGS[kind].find((x) => x.key === key)!;
      const fromEnv = [set.variable, ...(set.unless ?? [])].some((n) => o.env[n] !== undefined);
      if (place[key] === undefined && !fromEnv) r.problem(`${p}.${key}`, `is required for a ${kind} place (or set ${set.variable})`);
    }
    if (name === pick) {
      target = kind;
      Object.assign(variables, own);
    }
  }
  if (r.problems.length > 0) return { ok: false, problems: r.problems };
  return { ok: true, bench: { place: pick ?? '', target, variables: { LOCKBENCH_TARGET: target, ...variables } } };
}
