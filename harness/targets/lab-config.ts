/** Bound of one lockwire call made by the harness, ms. */
export const LAB_CALL_MS = 3000;

/** The settings of a lab run (DESIGN §8, §11), read once; a missing or bad one is an error naming the variable. */
export interface LabConfig {
  path: string;
  lockId: number;
  secretHex: string;
  /** LOCKBENCH_LOCK_MAX_PPM: the clock accuracy LAB-05 holds the device to, ppm (default 50). */
  maxPpm: number;
  /** LOCKBENCH_BENCH_CONTROL: the bench's cable control URL, when there is one. */
  benchControl?: string;
}

export function labConfig(env: NodeJS.ProcessEnv): LabConfig {
  const missing = ['LOCKBENCH_SERIAL', 'LOCKBENCH_LOCK_ID', 'LOCKBENCH_LOCK_SECRET'].filter((k) => !env[k]);
  if (missing.length > 0) throw new Error(`--target lab needs ${missing.join(', ')} (the serial port path, the device's lock id and its 32-hex-digit secret; see README)`);
  const lockId = Number(env.LOCKBENCH_LOCK_ID);
  if (!Number.isInteger(lockId) || lockId < 1 || lockId > 0xffffffff) throw new Error(`LOCKBENCH_LOCK_ID must be a lock id (an integer in 1…4294967295), got "${env.LOCKBENCH_LOCK_ID}"`);
  const secretHex = env.LOCKBENCH_LOCK_SECRET!;
  if (!/^[0-9a-fA-F]{32}$/.test(secretHex)) throw new Error('LOCKBENCH_LOCK_SECRET must be 32 hex digits (the lock\'s 16-byte secret)');
  const maxPpm = env.LOCKBENCH_LOCK_MAX_PPM === undefined || env.LOCKBENCH_LOCK_MAX_PPM === '' ? 50 : Number(env.LOCKBENCH_LOCK_MAX_PPM);
  if (!Number.isFinite(maxPpm) || maxPpm <= 0) throw new Error(`LOCKBENCH_LOCK_MAX_PPM must be a number of ppm > 0, got "${env.LOCKBENCH_LOCK_MAX_PPM}"`);
  return { path: env.LOCKBENCH_SERIAL!, lockId, secretHex: secretHex.toLowerCase(), maxPpm, benchControl: env.LOCKBENCH_BENCH_CONTROL || undefined };
}
