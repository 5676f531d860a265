import { LOCK_DEFAULTS as D } from '../protocol/index.ts';
import type { LockSpec } from './types.ts';

/** What `defaultLockSpec` needs: the ids and secret, anything else optional (nested objects partially). */
export type LockSpecInput = Pick<LockSpec, 'lockId' | 'secretHex'> &
  Partial<Omit<LockSpec, 'lockId' | 'secretHex' | 'tolerance' | 'lockout'>> & {
    tolerance?: Partial<LockSpec['tolerance']>;
    lockout?: Partial<LockSpec['lockout']>;
  };

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
    tolerance: { behind: partial.tolerance?.behind ?? D.tolerance.behind, ahead: partial.tolerance?.ahead ?? D.tolerance.ahead },
    capacity: partial.capacity ?? D.capacity,
    lockout: { attempts: partial.lockout?.attempts ?? D.lockout.attempts, seconds: partial.lockout?.seconds ?? D.lockout.seconds },
    lockoutClock: partial.lockoutClock ?? 'lock',
    lockoutSetBack: partial.lockoutSetBack ?? 'ends',
    syncPhase: partial.syncPhase ?? 'zero',
    defects: partial.defects ?? [],
  };
}
