import { LOCK_DEFAULTS as D } from '../protocol/index.ts';
import type { LockSpec } from './types.ts';

/** What `defaultLockSpec` needs: the ids and secret, anything else optional (nested objects partially). */
export type LockSpecInput = Pick<LockSpec, 'lockId' | 'secretHex'> &
  Partial<Omit<LockSpec, 'lockId' | 'secretHex' | 'tolerance' | 'lockout'>> & {
    tolerance?: Partial<LockSpec['tolerance']>;
    lockout?: Partial<LockSpec['lockout']>;
  };

/**
 * One frozen object per distinct pair: a fleet's locks share the few tolerances and lockouts they have
 * instead of two small objects each (DESIGN §13 memory per lock). Frozen, so no lock can change another's.
 */
const pairs = new Map<string, Readonly<Record<string, number>>>();
/** Bound on the distinct pairs kept (STYLE §18); past it each lock gets its own frozen object. */
const PAIRS_KEPT = 1024;
function shared<T extends Record<string, number>>(kind: string, value: T): T {
  const key = `${kind}:${Object.values(value).join(',')}`;
  const got = pairs.get(key);
  if (got) return got as T;
  Object.freeze(value);
  if (pairs.size < PAIRS_KEPT) pairs.set(key, value);
  return value;
}

/** A full lock spec from a partial one, with the defaults of DESIGN §5.4 and §7. */
export function defaultLockSpec(partial: LockSpecInput): LockSpec {
  return {
    lockId: partial.lockId,
    secretHex: partial.secretHex,
    mac: partial.mac ?? D.mac,
    firmwareVer: partial.firmwareVer ?? D.firmwareVer,
    driftPpm: partial.driftPpm ?? D.driftPpm,
    clockOffsetS: partial.clockOffsetS ?? D.clockOffsetS,
    batteryPct: partial.batteryPct ?? D.batteryPct,
    lowBatteryPct: partial.lowBatteryPct ?? D.lowBatteryPct,
    cutoffPct: partial.cutoffPct ?? D.cutoffPct,
    unlockCostPct: partial.unlockCostPct ?? D.unlockCostPct,
    idleDrainPctPerDay: partial.idleDrainPctPerDay ?? D.idleDrainPctPerDay,
    tolerance: shared('tolerance', { behind: partial.tolerance?.behind ?? D.tolerance.behind, ahead: partial.tolerance?.ahead ?? D.tolerance.ahead }),
    capacity: partial.capacity ?? D.capacity,
    lockout: shared('lockout', { attempts: partial.lockout?.attempts ?? D.lockout.attempts, seconds: partial.lockout?.seconds ?? D.lockout.seconds }),
    lockoutClock: partial.lockoutClock ?? 'lock',
    lockoutSetBack: partial.lockoutSetBack ?? 'ends',
    syncPhase: partial.syncPhase ?? 'zero',
    defects: partial.defects ?? [],
  };
}
