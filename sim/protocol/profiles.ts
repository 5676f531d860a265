import type { Outcome } from './outcome.ts';

/** The 11 endpoints of the seed document (DESIGN §3.3). */
export const ENDPOINTS = [
  '/third/lock/get',
  '/third/lock/by_mac/get',
  '/third/lock/open',
  '/third/lock/open/face',
  '/third/lock/state/get',
  '/third/lock/pwd/get',
  '/third/lock/time_sync/seq/get',
  '/third/lock/time_sync/result',
  '/third/v2/lock/pwd/get',
  '/third/v2/lock/pwd/del',
  '/third/v2/lock/open',
] as const;

export type Endpoint = (typeof ENDPOINTS)[number];

export type ProfileName = 'kexin-2017-03' | 'kexin-2017-10';

/** A wire answer: HTTP status and envelope code. */
export interface Wire {
  http: number;
  code: number;
}

/** A profile: endpoint set, code table and the `effective_at` rule (DESIGN §3.1). */
export interface Profile {
  name: ProfileName;
  endpoints: ReadonlySet<Endpoint>;
  codes: Readonly<Record<Outcome, Wire>>;
  /** 2017-10: `effective_at` must be a multiple of 300 on the current UTC+8 day. */
  strictEffectiveAt: boolean;
}

const ok = (code: number): Wire => ({ http: 200, code });

const KEXIN_2017_03: Profile = {
  name: 'kexin-2017-03',
  endpoints: new Set(ENDPOINTS),
  strictEffectiveAt: false,
  codes: {
    ok: ok(200),
    bad_params: ok(400),
    malformed_json: ok(400),
    bad_sign: ok(401),
    wrong_password: ok(326),
    face_too_frequent: ok(327),
    no_lock: ok(350),
    no_right: ok(354),
    not_bound: ok(355),
    expired: ok(357),
    face_mismatch: ok(358),
    unlock_failed: ok(359),
    offline: ok(360),
    no_gateway: ok(362),
    pwd_write_failed: ok(364),
    busy: ok(365),
    too_large: ok(413),
    not_found: ok(404),
    method: ok(405),
    provider_failed: ok(502),
    internal: ok(500),
  },
};

const KEXIN_2017_10: Profile = {
  name: 'kexin-2017-10',
  endpoints: new Set(
    ENDPOINTS.filter((e) => e !== '/third/lock/by_mac/get' && !e.startsWith('/third/lock/time_sync/')),
  ),
  strictEffectiveAt: true,
  codes: {
    ok: { http: 200, code: 200 },
    bad_params: { http: 400, code: 400001 },
    malformed_json: { http: 500, code: 500005 },
    bad_sign: { http: 400, code: 400004 },
    wrong_password: { http: 403, code: 403013 },
    face_too_frequent: { http: 403, code: 403010 },
    no_lock: { http: 404, code: 404003 },
    no_right: { http: 403, code: 403013 },
    not_bound: { http: 403, code: 403001 },
    expired: { http: 403, code: 403001 },
    face_mismatch: { http: 403, code: 403017 },
    unlock_failed: { http: 500, code: 500003 },
    offline: { http: 403, code: 403018 },
    no_gateway: { http: 403, code: 403001 },
    pwd_write_failed: { http: 500, code: 500003 },
    busy: { http: 403, code: 403022 },
    too_large: { http: 400, code: 400001 },
    not_found: { http: 404, code: 404 },
    method: { http: 405, code: 405 },
    provider_failed: { http: 500, code: 500008 },
    internal: { http: 500, code: 500001 },
  },
};

export const PROFILES: Readonly<Record<ProfileName, Profile>> = {
  'kexin-2017-03': KEXIN_2017_03,
  'kexin-2017-10': KEXIN_2017_10,
};

/** Whether a string names a known profile. */
export function isProfileName(s: unknown): s is ProfileName {
  return s === 'kexin-2017-03' || s === 'kexin-2017-10';
}

/** The wire answer of an outcome under a profile. */
export function wireOf(profile: ProfileName, outcome: Outcome): Wire {
  return PROFILES[profile].codes[outcome];
}

/** Which outcomes a wire answer may stand for under a profile (2017-10 shares codes). */
export function outcomesOf(profile: ProfileName, code: number): Outcome[] {
  const codes = PROFILES[profile].codes;
  return (Object.keys(codes) as Outcome[]).filter((o) => codes[o].code === code);
}
