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
    // DESIGN §7 shows this MAC as the fixture default; a world with several locks sets its own.
    mac: partial.mac ?? '72:00:03:16:7d:f0',
    firmwareVer: partial.firmwareVer ?? '',
    driftPpm: partial.driftPpm ?? 0,
    clockOffsetS: partial.clockOffsetS ?? 0,
    batteryPct: partial.batteryPct ?? 80,
    lowBatteryPct: partial.lowBatteryPct ?? 20,
    cutoffPct: partial.cutoffPct ?? 3,
    unlockCostPct: partial.unlockCostPct ?? 0.01,
    idleDrainPctPerDay: partial.idleDrainPctPerDay ?? 0.02,
    tolerance: { behind: partial.tolerance?.behind ?? 0, ahead: partial.tolerance?.ahead ?? 0 },
    capacity: partial.capacity ?? 100,
    lockout: { attempts: partial.lockout?.attempts ?? 5, seconds: partial.lockout?.seconds ?? 60 },
    lockoutClock: partial.lockoutClock ?? 'lock',
    lockoutSetBack: partial.lockoutSetBack ?? 'ends',
    syncPhase: partial.syncPhase ?? 'zero',
    defects: partial.defects ?? [],
  };
}
