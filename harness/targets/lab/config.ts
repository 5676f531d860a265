import { isUint32Id, LOCK_DEFAULTS } from '../../../sim/protocol/index.ts';
import { parseDefectList } from '../../../sim/defects.ts';
import type { LockoutPolicy } from '../core/facets.ts';
import { REQUIRED } from '../core/preflight.ts';

/** Bound of one lockwire call made by the harness, ms. */
export const LAB_CALL_MS = 3000;

/** The settings of a lab run (DESIGN §8, §11), read once; a missing or bad one is an error naming the variable. */
export interface LabConfig {
  path: string;
  lockId: number;
  secretHex: string;
  /** LOCKBENCH_LOCK_MAX_PPM: the clock accuracy LAB-05 holds the device to, ppm (default 50). */
  maxPpm: number;
  /**
   * The device's keypad lockout (DESIGN §5.4): LOCKBENCH_LOCK_LOCKOUT_ATTEMPTS wrong codes in a row
   * (default 5) lock it for LOCKBENCH_LOCK_LOCKOUT_S seconds (default 60).
   */
  lockout: LockoutPolicy;
  /** LOCKBENCH_BENCH_CONTROL: the bench's cable control URL, when there is one. */
  benchControl?: string;
  /** LOCKBENCH_LINK_DEFECTS: seeded defects of the harness's own link (`harness/serial/seeded.ts`; run by `bin/lab-check.ts`). */
  linkDefects: string[];
}

/** An integer setting in min…max, its default when unset or empty; otherwise an error naming the variable. */
function intSetting(env: NodeJS.ProcessEnv, name: string, min: number, max: number, fallback: number, what: string): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || n < min || n > max) throw new Error(`${name} must be ${what}, an integer in ${min}…${max}, got "${raw}"`);
  return n;
}

export function labConfig(env: NodeJS.ProcessEnv): LabConfig {
  const missing = REQUIRED.lab.filter((k) => !env[k]);
  if (missing.length > 0) throw new Error(`--target lab needs ${missing.join(', ')} (the serial port path, the device's lock id and its 32-hex-digit secret; see README)`);
  const lockId = Number(env.LOCKBENCH_LOCK_ID);
  if (!isUint32Id(lockId)) throw new Error(`LOCKBENCH_LOCK_ID must be a lock id (an integer in 1…4294967295), got "${env.LOCKBENCH_LOCK_ID}"`);
  const secretHex = env.LOCKBENCH_LOCK_SECRET!;
  if (!/^[0-9a-fA-F]{32}$/.test(secretHex)) throw new Error('LOCKBENCH_LOCK_SECRET must be 32 hex digits (the lock\'s 16-byte secret)');
  const maxPpm = env.LOCKBENCH_LOCK_MAX_PPM === undefined || env.LOCKBENCH_LOCK_MAX_PPM === '' ? 50 : Number(env.LOCKBENCH_LOCK_MAX_PPM);
  if (!Number.isFinite(maxPpm) || maxPpm <= 0) throw new Error(`LOCKBENCH_LOCK_MAX_PPM must be a number of ppm > 0, got "${env.LOCKBENCH_LOCK_MAX_PPM}"`);
  const lockout: LockoutPolicy = {
    attempts: intSetting(env, 'LOCKBENCH_LOCK_LOCKOUT_ATTEMPTS', 1, 100, LOCK_DEFAULTS.lockout.attempts, 'the wrong codes in a row that lock the keypad'),
    seconds: intSetting(env, 'LOCKBENCH_LOCK_LOCKOUT_S', 1, 3600, LOCK_DEFAULTS.lockout.seconds, 'the keypad lockout in seconds'),
  };
  // A typo in a defect name stops the run up front, naming the variable, instead of passing unseeded.
  const linkDefects = parseDefectList(env.LOCKBENCH_LINK_DEFECTS ?? '', 'LOCKBENCH_LINK_DEFECTS', ['serial-link']);
  return { path: env.LOCKBENCH_SERIAL!, lockId, secretHex: secretHex.toLowerCase(), maxPpm, lockout, benchControl: env.LOCKBENCH_BENCH_CONTROL || undefined, linkDefects };
}
