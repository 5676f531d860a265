import type { Lockout } from './facets.ts';

/** DESIGN §5.4 defaults, for a lock that declares no lockout of its own. */
export const LOCKOUT_DEFAULT: Lockout = { attempts: 5, seconds: 60 };
