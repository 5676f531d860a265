import type { LockClock } from '../clock/index.ts';
import { roomDefects, seedParts, wrapStep, type WhereActs } from '../defects.ts';
import type { Battery } from './battery.ts';
import type { Lockout } from './lockout.ts';
import type { Acceptance } from './passwords.ts';
import type { TimeSyncSeqs } from './time-sync.ts';

/** The parts of a lock whose contract steps a seeded defect may wrap (DESIGN §2, §5.2–§5.4). */
export interface LockParts {
  clock: LockClock;
  battery: Battery;
  lockout: Lockout;
  acceptance: Acceptance;
  timeSync: TimeSyncSeqs;
}

/**
 * Where each of the lock's seeded defects (`sim/defects.ts`, room `lock`) acts: the parts compute
 * the contract, and a defect wraps one of their steps, so no part names a defect.
 */
const ACTS: WhereActs<'lock', LockParts> = {
  'lock-slot-end-inclusive': ({ acceptance }) =>
    // The slots accepted one second ago are still accepted: [start, end] instead of [start, end).
    wrapStep(acceptance, 'slots', (slots) => (t) => ({ first: slots(t - 1).first, last: slots(t).last })),
  'lock-ignores-tolerance': ({ acceptance }) => wrapStep(acceptance, 'tolerance', () => () => ({ behind: 0, ahead: 0 })),
  'lock-drift-wrong-sign': ({ clock }) => wrapStep(clock, 'setDrift', (setDrift) => (w, ppm) => setDrift(w, -ppm)),
  'lock-accepts-replay': ({ timeSync }) => wrapStep(timeSync, 'isReplay', () => () => false),
  'lock-no-lockout': ({ lockout }) => wrapStep(lockout, 'startsLockout', () => () => false),
  'lock-battery-never-low': ({ battery }) => wrapStep(battery, 'isLow', () => () => false),
  'lock-user-window-inclusive': ({ acceptance }) =>
    wrapStep(acceptance, 'inWindow', (inWindow) => (user, t) => inWindow(user, t) || t === user.end),
  'lock-user-window-ignored': ({ acceptance }) => wrapStep(acceptance, 'inWindow', () => () => true),
  'lock-reset-keeps-time': ({ acceptance }) =>
    wrapStep(acceptance, 'check', (check) => (password, t, _trusted, store) => check(password, t, true, store)),
  'lock-power-off-clock-runs': ({ clock }) => {
    wrapStep(clock, 'powerOff', () => () => undefined);
    wrapStep(clock, 'powerOn', () => () => undefined);
  },
  'lock-ignores-time-sync': ({ timeSync }) => wrapStep(timeSync, 'setClock', () => () => undefined),
};

/**
 * Seed a lock's parts with `defects` (other rooms' names ignored, unknown ones refused), in registry
 * order. A clean lock — every lock of a conformance world — is left as it is, at no cost per lock
 * (bench: fleet RSS).
 */
export function seedLock(defects: readonly string[], parts: LockParts): void {
  if (defects.length === 0) return;
  seedParts('lock', roomDefects('lock', defects), ACTS, parts);
}
