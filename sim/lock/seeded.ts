import { defectsOfRoom, roomDefects, type RoomDefects } from '../defects.ts';
import type { AcceptRules } from './passwords.ts';

/**
 * Where the lock's seeded defects (`sim/defects.ts`, room `lock`) act. The lock computes each
 * contract step itself (DESIGN §2, §5.2–§5.4) and hands its result here; a defect switched on
 * widens or drops it (as `sim/cloud/signature.ts` widens the signature check). With no defect
 * every seam returns the contract result unchanged, so `lock.ts` names no defect.
 */
export interface LockSeams {
  /** The acceptance rules of DESIGN §5.2 (tolerance, slot and window ends). */
  rules(contract: AcceptRules): AcceptRules;
  /** Whether the battery may report low (DESIGN §5.4). */
  mayReportLow: boolean;
  /** Whether wrong attempts lock the keypad out (DESIGN §5.4). */
  lockoutOn: boolean;
  /** The drift rate handed to the clock, ppm. */
  clockPpm(contractPpm: number): number;
  /** Whether a time sync's seq is a replay (DESIGN §5.3: the seq must increase). */
  isReplay(contract: boolean): boolean;
  /** Runs the clock step of an accepted time sync (DESIGN §5.3). */
  setClock(contract: () => void): void;
  /** Runs the clock's power off/on step (DESIGN §2: the clock stops while powered off). */
  powerClock(contract: () => void): void;
  /** Whether the clock is trusted for a password check (DESIGN §2: not after a reset). */
  clockTrusted(contract: boolean): boolean;
}

/** The lock's own defect names, to tell a clean lock at once. */
const LOCK_DEFECT_NAMES = defectsOfRoom('lock');

/** The seams of a lock seeded with `defects` (other rooms' names ignored, unknown ones refused). */
export function lockSeams(defects: readonly string[]): LockSeams {
  const on: RoomDefects<'lock'> = roomDefects('lock', defects);
  // A clean lock (every lock of a conformance world) shares one set of seams: a fleet of 100k locks
  // must not pay a set of closures each (bench: fleet RSS).
  return LOCK_DEFECT_NAMES.some((d) => on.has(d)) ? seamsOf(on) : CONTRACT_SEAMS;
}

function seamsOf(on: RoomDefects<'lock'>): LockSeams {
  return {
    rules: (contract) => ({
      ...contract,
      tolerance: on.has('lock-ignores-tolerance') ? { behind: 0, ahead: 0 } : contract.tolerance,
      slotEndInclusive: contract.slotEndInclusive || on.has('lock-slot-end-inclusive'),
      userEndInclusive: contract.userEndInclusive || on.has('lock-user-window-inclusive'),
      userWindowIgnored: (contract.userWindowIgnored ?? false) || on.has('lock-user-window-ignored'),
    }),
    mayReportLow: !on.has('lock-battery-never-low'),
    lockoutOn: !on.has('lock-no-lockout'),
    clockPpm: (ppm) => (on.has('lock-drift-wrong-sign') ? -ppm : ppm),
    isReplay: (contract) => contract && !on.has('lock-accepts-replay'),
    setClock: (step) => {
      if (!on.has('lock-ignores-time-sync')) step();
    },
    powerClock: (step) => {
      if (!on.has('lock-power-off-clock-runs')) step();
    },
    clockTrusted: (contract) => contract || on.has('lock-reset-keeps-time'),
  };
}

/** The contract itself: every seam passes its step through. */
const CONTRACT_SEAMS: LockSeams = seamsOf({ has: () => false });
