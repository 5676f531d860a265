import { LOCK_DEFAULTS } from '../../../sim/protocol/index.ts';
import { withParts, type Facets, type LockPart } from './facets.ts';
import type { LockRole } from './fleet.ts';

/** What a cloud reached only through its API offers a spec: the main lock's id, no part (remote and its replay). */
export function cloudOnlyFacets(main: number): Facets {
  return {
    locks: {
      find: <P extends LockPart>(role: LockRole, ...parts: P[]) =>
        withParts(role, role === 'main' ? { id: main, role, realTime: true, lockout: LOCK_DEFAULTS.lockout } : undefined, parts),
    },
  };
}
