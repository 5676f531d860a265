import { UINT32_MAX } from '../protocol/uint.ts';
import type { FieldReader } from './fixture-schema.ts';

/**
 * The parts the fixture's locks and gateways play in a conformance suite (`"roles"`, an extension of
 * DESIGN §7): role name → lock or gateway id, the role `unknown` → an id that exists nowhere, and
 * `face_images` → uid → a base64 image whose SHA-256 is that member's `face_sha256`. The simulator only
 * checks that every id is what the role says; which role names mean what is the harness's business.
 */
export interface FixtureRoles {
  ids: Record<string, number>;
  faceImages: Record<number, string>;
}

const ROLE_NAME = /^[a-z][A-Za-z0-9]{0,63}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Read `$.roles` (absent: no roles); `lockIds`/`apIds` are the fixture's own ids. */
export function readRoles(r: FieldReader, raw: unknown, lockIds: ReadonlySet<number>, apIds: ReadonlySet<number>, uids: ReadonlySet<number>): FixtureRoles {
  const o = r.object(raw, '$.roles', true);
  const roles: FixtureRoles = { ids: {}, faceImages: {} };
  for (const [name, v] of Object.entries(o)) {
    const p = `$.roles.${name}`;
    if (name === 'face_images') {
      for (const [uid, img] of Object.entries(r.object(v, p))) {
        const id = Number(uid);
        if (!uids.has(id)) r.problem(`${p}.${uid}`, `uid ${uid} is no member of a lock in $.locks`);
        roles.faceImages[id] = r.strAt(img, `${p}.${uid}`, { re: BASE64, hint: 'standard base64' });
      }
      continue;
    }
    if (!ROLE_NAME.test(name)) {
      r.problem(p, 'a role name is a letter then letters or digits');
      continue;
    }
    const before = r.problems.length;
    const id = r.numAt(v, p, { int: true, min: 1, max: UINT32_MAX });
    if (r.problems.length > before) continue;
    const known = lockIds.has(id) || apIds.has(id);
    if (name === 'unknown' && known) r.problem(p, `must be an id that is no lock or gateway of the fixture, ${id} is one`);
    if (name !== 'unknown' && !known) r.problem(p, `${id} is no lock in $.locks nor gateway in $.gateways`);
    roles.ids[name] = id;
  }
  return roles;
}
