/**
 * A lock's defaults as the contract states them (DESIGN §5.4 lockout and battery, §7 fixture keys):
 * the one source for the fixture reader, the virtual lock and the harness's targets that cannot ask a
 * device (remote, gateway) what it declares.
 */
export const LOCK_DEFAULTS = Object.freeze({
  /** §7: the MAC the fixture shows; a world with several locks sets its own. */
  mac: '72:00:03:16:7d:f0',
  firmwareVer: '',
  driftPpm: 0,
  clockOffsetS: 0,
  batteryPct: 80,
  lowBatteryPct: 20,
  cutoffPct: 3,
  unlockCostPct: 0.01,
  idleDrainPctPerDay: 0.02,
  tolerance: Object.freeze({ behind: 0, ahead: 0 }),
  seqStart: 1,
  capacity: 100,
  /** §5.4: wrong codes in a row that lock the keypad, and for how many seconds of lock time. */
  lockout: Object.freeze({ attempts: 5, seconds: 60 }),
});
