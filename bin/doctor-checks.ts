/**
 * What a lab host needs for a bench (DESIGN §11, §12, §13), one named check each, in the order `lockbench
 * doctor` runs them: the bench file first, since its place says which serial port and broker port to look at.
 * Each check looks at the host only through `Host`, so a test can hand it a host without socat or with a
 * port it may not open; every gap says how to fix it.
 */
import { accessSync, closeSync, constants, openSync, readFileSync, statSync, type Stats } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { findDynsecPlugin, type PluginFound } from '../sim/broker/dynsec-plugin.ts';
import { applyBench, BenchError } from './bench-env.ts';

export interface Finding {
  check: string;
  /** `gap`: the bench cannot run until fixed; `note`: worth knowing; `ok`; `skip`: nothing to check here. */
  status: 'ok' | 'note' | 'gap' | 'skip';
  detail: string;
  fix?: string;
}

/** The host as the checks see it. */
export interface Host {
  env: NodeJS.ProcessEnv;
  argv: readonly string[];
  cwd: string;
  nodeVersion: string;
  /** The groups of this process (ids) and the user's name, for the dialout advice. */
  groups: readonly number[];
  user: string;
  stat(path: string): Stats;
  /** Open a device for reading and writing and close it again; throws the OS error. */
  openRw(path: string): void;
  groupName(gid: number): string | undefined;
  /** Whether `port` can be listened on at `host`: undefined when free, else the error code. */
  portTaken(host: string, port: number): Promise<string | undefined>;
  plugin(env: NodeJS.ProcessEnv): PluginFound;
}

/** Whether an executable of that name is on the host's PATH. */
export function onPath(env: NodeJS.ProcessEnv, name: string): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      if (statSync(p).isFile()) return p;
    } catch {
      // Not in this folder.
    }
  }
  return undefined;
}

/** The real host. */
export function realHost(): Host {
  return {
    env: process.env, argv: process.argv.slice(2), cwd: process.cwd(), nodeVersion: process.versions.node,
    groups: process.getgroups?.() ?? [], user: process.env.USER ?? process.env.LOGNAME ?? 'your user',
    stat: (p) => statSync(p),
    openRw(p) {
      // Non-blocking and without taking the port as controlling terminal: opening must not wait on a modem line.
      closeSync(openSync(p, constants.O_RDWR | constants.O_NOCTTY | constants.O_NONBLOCK));
    },
    groupName(gid) {
      try {
        return readFileSync('/etc/group', 'utf8').split('\n').map((l) => l.split(':')).find((f) => f[2] === String(gid))?.[0];
      } catch {
        return undefined;
      }
    },
    portTaken: (host, port) => new Promise((resolve) => {
      const server = createServer();
      server.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? String(e)));
      server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(undefined)));
    }),
    plugin: (env) => findDynsecPlugin(env.LOCKBENCH_MOSQUITTO_PLUGIN ? { path: env.LOCKBENCH_MOSQUITTO_PLUGIN, from: 'LOCKBENCH_MOSQUITTO_PLUGIN' } : undefined),
  };
}

type Check = (h: Host) => Finding | Promise<Finding>;

/** The bench file, applied to the host's environment for the checks after it (a bad one is a gap, not an exit). */
const benchFile: Check = (h) => {
  try {
    const a = applyBench(h.argv, h.env, h.cwd);
    if (!a.bench) return { check: 'bench file', status: 'skip', detail: 'none (no --bench, no lockbench.config.json here): checking the LOCKBENCH_* variables' };
    return { check: 'bench file', status: 'ok', detail: `${a.bench.file}, place ${a.bench.place} (${a.bench.target})` };
  } catch (e) {
    if (!(e instanceof BenchError)) throw e;
    return { check: 'bench file', status: 'gap', detail: e.problems.join('; '), fix: 'correct what each problem names — its flag, file or JSON path (docs/bench-file.md; schemas/bench.schema.json completes the file in an editor)' };
  }
};

const node: Check = (h) => {
  const major = Number(h.nodeVersion.split('.')[0]);
  if (major < 20) return { check: 'node', status: 'gap', detail: `v${h.nodeVersion}; lockbench needs Node 20 or later`, fix: 'install Node 22 or 24 (https://nodejs.org, or nvm install 24)' };
  if (major === 20) return { check: 'node', status: 'note', detail: `v${h.nodeVersion} works; Node 20 left maintenance on 2026-04-30`, fix: 'move to Node 22 or 24' };
  return { check: 'node', status: 'ok', detail: `v${h.nodeVersion}` };
};

/** A program the bench runs, with the Debian package that brings it. */
const program = (name: string, pkg: string, why: string): Check => (h) => {
  const p = onPath(h.env, name);
  return p ? { check: name, status: 'ok', detail: p } : { check: name, status: 'gap', detail: `not on PATH (${why})`, fix: `apt-get install -y ${pkg}` };
};

const chromium: Check = (h) => {
  const given = h.env.LOCKBENCH_CHROMIUM;
  if (given) {
    try {
      accessSync(given, constants.X_OK);
      return { check: 'chromium', status: 'ok', detail: `${given} (LOCKBENCH_CHROMIUM)` };
    } catch {
      return { check: 'chromium', status: 'gap', detail: `LOCKBENCH_CHROMIUM=${given} is not an executable`, fix: 'point LOCKBENCH_CHROMIUM at a Chromium binary, or unset it' };
    }
  }
  return program('chromium', 'chromium', 'the report checks open the HTML report in it')(h);
};

const plugin: Check = (h) => {
  const found = h.plugin(h.env);
  return found.ok
    ? { check: 'mosquitto plugin', status: 'ok', detail: `${found.path} (${found.how})` }
    : { check: 'mosquitto plugin', status: 'gap', detail: found.error, fix: 'apt-get install -y mosquitto, or set LOCKBENCH_MOSQUITTO_PLUGIN to the .so' };
};

/** DESIGN §11: the lab target's one port — there, a character device, and this user may read and write it. */
const serialPort: Check = (h) => {
  const path = h.env.LOCKBENCH_SERIAL;
  if (!path) return { check: 'serial port', status: 'skip', detail: 'no LOCKBENCH_SERIAL (no lab place)' };
  let st: Stats;
  try {
    st = h.stat(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { check: 'serial port', status: 'gap', detail: `${path} ${code === 'ENOENT' ? 'does not exist' : `cannot be looked at (${code})`}`, fix: 'plug the lock\'s USB-serial cable in and check `ls -l /dev/serial/by-id/`; set serial (or LOCKBENCH_SERIAL) to its path' };
  }
  if (!st.isCharacterDevice()) return { check: 'serial port', status: 'gap', detail: `${path} is not a serial device (not a character device)`, fix: 'set serial (or LOCKBENCH_SERIAL) to the device, e.g. /dev/ttyUSB0 or /dev/serial/by-id/…' };
  try {
    h.openRw(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const group = h.groupName(st.gid) ?? `gid ${st.gid}`;
    if (code === 'EACCES' || code === 'EPERM') {
      const inGroup = h.groups.includes(st.gid);
      return {
        check: 'serial port', status: 'gap', detail: `${path} cannot be opened for reading and writing (${code}; owned by group ${group}, mode ${(st.mode & 0o777).toString(8)})`,
        fix: inGroup ? `this session is in ${group} but the device is not group-writable: check the udev rule` : `sudo usermod -aG ${group} ${h.user}, then log out and in again`,
      };
    }
    return { check: 'serial port', status: 'gap', detail: `${path} cannot be opened (${code})`, fix: code === 'EBUSY' ? 'another program holds the port (a terminal, ModemManager): close it' : 'check the cable and the device' };
  }
  return { check: 'serial port', status: 'ok', detail: `${path} opens for reading and writing` };
};

/** DESIGN §12: the gateway target's run-long broker listens on LOCKBENCH_MQTT_HOST:LOCKBENCH_MQTT_PORT. */
const brokerPort: Check = async (h) => {
  if (h.env.LOCKBENCH_TARGET !== 'gateway' && h.env.LOCKBENCH_MQTT_PORT === undefined) return { check: 'broker port', status: 'skip', detail: 'no gateway place and no LOCKBENCH_MQTT_PORT' };
  const host = h.env.LOCKBENCH_MQTT_HOST || '0.0.0.0';
  const port = Number(h.env.LOCKBENCH_MQTT_PORT || 1883);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return { check: 'broker port', status: 'gap', detail: `LOCKBENCH_MQTT_PORT must be 1…65535, got "${h.env.LOCKBENCH_MQTT_PORT}"`, fix: 'set mqtt_port in the gateway place' };
  const taken = await h.portTaken(host, port);
  if (taken === undefined) return { check: 'broker port', status: 'ok', detail: `${host}:${port} is free` };
  return {
    check: 'broker port', status: 'gap', detail: `${host}:${port} cannot be listened on (${taken})`,
    fix: taken === 'EADDRINUSE' ? `another broker holds it (systemctl stop mosquitto, or \`ss -ltnp 'sport = :${port}'\`), or pick another mqtt_port` : port < 1024 ? 'ports under 1024 need root: pick mqtt_port ≥ 1024' : 'check mqtt_host',
  };
};

/** The checks in order: the bench file first (it sets what the serial and broker checks read). */
export const CHECKS: readonly Check[] = [
  benchFile, node, program('socat', 'socat', 'conformance:lab joins virtual locks over pty pairs'),
  program('mosquitto', 'mosquitto', 'conformance:mosquitto and an external broker'), plugin, chromium, serialPort, brokerPort,
];

/** Every finding on `host`. */
export async function diagnose(host: Host): Promise<Finding[]> {
  const out: Finding[] = [];
  for (const check of CHECKS) out.push(await check(host));
  return out;
}
