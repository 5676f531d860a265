import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

/**
 * Where Mosquitto's dynamic-security plugin lives on this host (DESIGN §13 broker configuration). The
 * gateways' users `gw:{ap_id}` exist only in that plugin (see mosquitto-config.ts), so a config naming a
 * path that is not there starts a broker no gateway can log in to. Debian puts the plugin in the
 * multiarch folder of the host's architecture: x86_64 on a PC, aarch64 on a Pi 4/5 beside the lock.
 */

/** The plugin's file name in every distribution that ships it. */
export const DYNSEC_FILE = 'mosquitto_dynamic_security.so';

/** The folders searched, in order, after an override and the package manager's own file list. */
export const DYNSEC_DIRS: readonly string[] = [
  '/usr/lib/x86_64-linux-gnu',
  '/usr/lib/aarch64-linux-gnu',
  '/usr/lib/arm-linux-gnueabihf',
  '/usr/lib64',
  '/usr/lib',
  '/usr/local/lib',
  '/usr/lib/mosquitto',
  '/opt/homebrew/lib',
];

/** What the search may look at: a file's existence and the files the mosquitto package installed. */
export interface PluginProbe {
  exists(path: string): boolean;
  /** `dpkg -L mosquitto`, or undefined where dpkg or the package is absent. */
  packageFiles(): readonly string[] | undefined;
}

/** The real host: the file system and dpkg when it is installed. */
export const hostProbe: PluginProbe = {
  exists: (path) => existsSync(path),
  packageFiles() {
    const r = spawnSync('dpkg', ['-L', 'mosquitto'], { encoding: 'utf8', timeout: 5000 });
    return r.status === 0 ? r.stdout.split('\n').filter(Boolean) : undefined;
  },
};

/** An explicit path and where it came from (the flag or variable named in an error). */
export interface PluginOverride {
  path: string;
  from: string;
}

export type PluginFound =
  | { ok: true; path: string; how: string }
  | { ok: false; error: string };

/**
 * The plugin's path: the override when given (it must exist: a typo would otherwise reach the broker's
 * log only), else the file dpkg says the mosquitto package installed, else the first known folder holding it.
 */
export function findDynsecPlugin(override?: PluginOverride, probe: PluginProbe = hostProbe): PluginFound {
  if (override) {
    return probe.exists(override.path)
      ? { ok: true, path: override.path, how: override.from }
      : { ok: false, error: `${override.from}: ${override.path} does not exist` };
  }
  const listed = probe.packageFiles()?.find((f) => f.endsWith(`/${DYNSEC_FILE}`) && probe.exists(f));
  if (listed) return { ok: true, path: listed, how: 'dpkg -L mosquitto' };
  for (const dir of DYNSEC_DIRS) {
    const path = `${dir}/${DYNSEC_FILE}`;
    if (probe.exists(path)) return { ok: true, path, how: `found in ${dir}` };
  }
  return {
    ok: false,
    error: `${DYNSEC_FILE} is in none of ${DYNSEC_DIRS.join(', ')} (install mosquitto 2 — apt-get install -y mosquitto — or give its path with --plugin PATH or LOCKBENCH_MOSQUITTO_PLUGIN)`,
  };
}
