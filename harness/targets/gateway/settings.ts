/**
 * The `gateway` target's settings (DESIGN §12), read from the environment once, before any test: a
 * missing or malformed variable stops the run naming it.
 */
import { isProfileName, UINT32_MAX, type ProfileName } from '../../../sim/protocol/index.ts';

export interface GatewaySettings {
  /** Interface the broker listens on (`LOCKBENCH_MQTT_HOST`, default 0.0.0.0). */
  mqttHost: string;
  /** `LOCKBENCH_MQTT_PORT`, default 1883. */
  mqttPort: number;
  /** `LOCKBENCH_GATEWAY_AP_ID`: the gateway under test; it connects as `gw:{apId}`. */
  apId: number;
  /** `LOCKBENCH_GATEWAY_SECRET`: its broker secret (never printed). */
  secret: string;
  /** `LOCKBENCH_LOCK_IDS` (comma list) or `LOCKBENCH_LOCK_ID`: the locks behind it; the first is `main`. */
  lockIds: number[];
  /** `LOCKBENCH_LOCK_SECRET`: the first lock's own secret (32 hex digits). */
  lockSecretHex: string;
  /** `LOCKBENCH_GATEWAY_WAIT_S`, default 60: how long the run waits for the gateway's retained online status. */
  waitS: number;
  /** `LOCKBENCH_ACK_TIMEOUT_MS`, default 3000: the embedded cloud's ack timeout (DESIGN §4). */
  ackTimeoutMs: number;
  /** `LOCKBENCH_PROFILE`, default kexin-2017-03. */
  profile: ProfileName;
}

const VARIABLES = 'LOCKBENCH_GATEWAY_AP_ID, LOCKBENCH_GATEWAY_SECRET, LOCKBENCH_LOCK_ID (or LOCKBENCH_LOCK_IDS), LOCKBENCH_LOCK_SECRET';

/** A setting that cannot be used; the message names the variable. */
export class SettingError extends Error {}

function uint(env: NodeJS.ProcessEnv, name: string, fallback: number | undefined, min: number, max: number): number {
  const v = env[name];
  if (v === undefined || v === '') {
    if (fallback === undefined) throw new SettingError(`--target gateway needs ${name} (see README: ${VARIABLES})`);
    return fallback;
  }
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < min || n > max) throw new SettingError(`${name} must be an integer ${min}…${max}, got "${v}"`);
  return n;
}

/** The settings, or a SettingError naming the first variable that is missing or wrong. */
export function gatewaySettings(env: NodeJS.ProcessEnv = process.env): GatewaySettings {
  const apId = uint(env, 'LOCKBENCH_GATEWAY_AP_ID', undefined, 1, UINT32_MAX);
  const secret = env.LOCKBENCH_GATEWAY_SECRET;
  if (!secret) throw new SettingError(`--target gateway needs LOCKBENCH_GATEWAY_SECRET (see README: ${VARIABLES})`);
  const listed = env.LOCKBENCH_LOCK_IDS ?? env.LOCKBENCH_LOCK_ID;
  const name = env.LOCKBENCH_LOCK_IDS !== undefined ? 'LOCKBENCH_LOCK_IDS' : 'LOCKBENCH_LOCK_ID';
  if (!listed) throw new SettingError(`--target gateway needs LOCKBENCH_LOCK_ID or LOCKBENCH_LOCK_IDS (see README: ${VARIABLES})`);
  const lockIds = listed.split(',').map((s) => s.trim());
  if (lockIds.some((s) => !/^\d+$/.test(s) || Number(s) < 1 || Number(s) > UINT32_MAX)) {
    throw new SettingError(`${name} must be lock ids (positive integers${name === 'LOCKBENCH_LOCK_IDS' ? ', comma-separated' : ''}), got "${listed}"`);
  }
  if (new Set(lockIds).size !== lockIds.length) throw new SettingError(`${name} lists a lock twice: "${listed}"`);
  const lockSecretHex = env.LOCKBENCH_LOCK_SECRET;
  if (!lockSecretHex) throw new SettingError(`--target gateway needs LOCKBENCH_LOCK_SECRET (see README: ${VARIABLES})`);
  if (!/^[0-9a-fA-F]{32}$/.test(lockSecretHex)) throw new SettingError('LOCKBENCH_LOCK_SECRET must be 32 hex digits');
  const profile = env.LOCKBENCH_PROFILE ?? 'kexin-2017-03';
  if (!isProfileName(profile)) throw new SettingError(`LOCKBENCH_PROFILE must be kexin-2017-03 or kexin-2017-10, got "${profile}"`);
  return {
    mqttHost: env.LOCKBENCH_MQTT_HOST || '0.0.0.0',
    mqttPort: uint(env, 'LOCKBENCH_MQTT_PORT', 1883, 1, 65535),
    apId,
    secret,
    lockIds: lockIds.map(Number),
    lockSecretHex: lockSecretHex.toLowerCase(),
    waitS: uint(env, 'LOCKBENCH_GATEWAY_WAIT_S', 60, 1, 3600),
    ackTimeoutMs: uint(env, 'LOCKBENCH_ACK_TIMEOUT_MS', 3000, 50, 60_000),
    profile,
  };
}
