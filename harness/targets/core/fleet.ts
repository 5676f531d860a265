import type { Fixture } from '../../../sim/world/fixture.ts';

/** The parts locks play in the suite; a spec asks for a role, never for an id. */
export const LOCK_ROLES = [
  /** A bound lock reachable through a gateway, with face members. */
  'main',
  /** Another lock behind main's gateway. */
  'sibling',
  /** A lock with tolerance {behind: 1, ahead: 1}. */
  'tolerant',
  /** A lock whose clock drifts (its handle declares the ppm). */
  'drifting',
  /** A lock just above its low-battery threshold. */
  'lowBattery',
  /** A bound lock behind no gateway. */
  'noAp',
  /** A lock behind a gateway that is not bound. */
  'unbound',
  /** A deleted lock. */
  'deleted',
  /** A lock of a corp the default app may not use. */
  'otherCorp',
  /** A lock that stores only two user passwords. */
  'smallStorage',
] as const;

/** The gateway main is behind, and another gateway. */
export const GATEWAY_ROLES = ['mainGateway', 'otherGateway'] as const;

export type LockRole = (typeof LOCK_ROLES)[number];
export type GatewayRole = (typeof GATEWAY_ROLES)[number];
export type Role = LockRole | GatewayRole;

/** A face member of main with an image that matches their face (DESIGN §5.6). */
export interface FaceMember {
  uid: number;
  name: string;
  id_num: string;
  image_base64: string;
}

/** Lock and gateway ids by role; a target without a lock in some role leaves it out. */
export interface FleetRoles {
  ids: Partial<Record<Role, number>>;
  /** A lock id that exists nowhere. */
  unknown: number;
  /** Members of main whose image matches their face. */
  faces: FaceMember[];
}

/** The id every target may use as "no such lock" when its fleet names none. */
export const UNKNOWN_LOCK = 3999999999;

const ROLE_NAMES: readonly string[] = [...LOCK_ROLES, ...GATEWAY_ROLES, 'unknown'];

/** Roles of a fixture's `"roles"` (DESIGN §7 extension); a role name the suite does not know is an error naming its JSON path. */
export function rolesOfFixture(f: Fixture, source: string): FleetRoles {
  const bad = Object.keys(f.roles.ids).filter((n) => !ROLE_NAMES.includes(n));
  if (bad.length > 0) throw new Error(`${source}: ${bad.map((n) => `$.roles.${n}: is not a role (${ROLE_NAMES.join(', ')})`).join('; ')}`);
  const ids: Partial<Record<Role, number>> = {};
  for (const [name, id] of Object.entries(f.roles.ids)) if (name !== 'unknown') ids[name as Role] = id;
  const main = f.locks.find((l) => l.lock_id === ids.main);
  const faces = (main?.members ?? []).flatMap((m) => {
    const image = f.roles.faceImages[m.uid];
    return image ? [{ uid: m.uid, name: m.name, id_num: m.id_num, image_base64: image }] : [];
  });
  return { ids, unknown: f.roles.ids.unknown ?? UNKNOWN_LOCK, faces };
}
