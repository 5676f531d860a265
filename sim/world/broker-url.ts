/**
 * DESIGN §13: an external broker is given as `mqtt://cloud:PASSWORD@HOST:PORT`. The cloud connects
 * with that password; gateways and the ready line get the URL without credentials (no secret in logs).
 */
export interface ExternalBroker {
  /** The broker URL without user info, e.g. `mqtt://127.0.0.1:1883`. */
  url: string;
  /** Password of MQTT user `cloud`. */
  cloudPassword: string;
}

const SCHEMES = ['mqtt:', 'tcp:', 'mqtts:', 'ws:', 'wss:'];

/** Parse an external broker URL; the error names what is wrong (never echoes the password). */
export function parseBrokerUrl(raw: string): { ok: true; value: ExternalBroker } | { ok: false; error: string } {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return { ok: false, error: 'is not a URL (expected mqtt://cloud:PASSWORD@HOST:PORT)' };
  }
  if (!SCHEMES.includes(u.protocol)) return { ok: false, error: `scheme must be one of ${SCHEMES.join(' ')}, got "${u.protocol}"` };
  if (u.hostname === '') return { ok: false, error: 'has no host' };
  if (decodeURIComponent(u.username) !== 'cloud') return { ok: false, error: 'user must be "cloud" (DESIGN §4: the cloud connects as user cloud)' };
  const cloudPassword = decodeURIComponent(u.password);
  if (cloudPassword === '') return { ok: false, error: 'has no password (mqtt://cloud:PASSWORD@HOST:PORT)' };
  u.username = '';
  u.password = '';
  return { ok: true, value: { url: u.toString().replace(/\/$/, ''), cloudPassword } };
}
