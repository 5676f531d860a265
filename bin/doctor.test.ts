import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitUntil } from '../sim/io/index.ts';
import { diagnose, onPath, type Finding, type Host } from './doctor-checks.ts';

/** A folder for PATH holding symlinks to these programs of the host's PATH (those it has). */
function pathOf(dir: string, programs: readonly string[]): string {
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  for (const p of programs) {
    const real = onPath(process.env, p);
    if (real) symlinkSync(real, join(bin, p));
  }
  return bin;
}

const doctor = (env: NodeJS.ProcessEnv, ...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'bin/doctor.ts', ...args], { encoding: 'utf8', timeout: 30_000, env });

const TOOLS = ['socat', 'mosquitto', 'chromium'];
const hostHasAll = TOOLS.every((t) => onPath(process.env, t));

test('a host without socat and with a serial port that is not there: each gap is named with its fix, exit 3', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lockbench-doctor-'));
  try {
    const env = { PATH: pathOf(dir, TOOLS.filter((t) => t !== 'socat')), LOCKBENCH_SERIAL: join(dir, 'ttyUSB9') };
    const r = doctor(env);
    assert.equal(r.status, 3, r.stdout + r.stderr);
    assert.match(r.stdout, /^GAP +socat +not on PATH .*\n +fix: apt-get install -y socat$/m);
    assert.match(r.stdout, new RegExp(`^GAP +serial port +${join(dir, 'ttyUSB9')} does not exist\\n +fix: plug the lock's USB-serial cable in`, 'm'));
    writeFileSync(join(dir, 'ttyUSB9'), '');
    assert.match(doctor(env).stdout, /^GAP +serial port +.*ttyUSB9 is not a serial device/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a bench file with an inline secret is a gap naming its JSON path', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lockbench-doctor-'));
  try {
    writeFileSync(join(dir, 'bench.json'), JSON.stringify({ places: { door: { target: 'lab', serial: '/dev/ttyUSB0', lock_id: 1, lock_secret: 'a'.repeat(32) } } }));
    const r = doctor({ PATH: process.env.PATH ?? '' }, '--bench', join(dir, 'bench.json'));
    assert.equal(r.status, 3);
    assert.match(r.stdout, /^GAP +bench file +.*bench\.json: \$\.places\.door\.lock_secret: is a secret: give it by reference/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a good lab bench (a pty as its serial port, a free broker port): no gap, exit 0', { skip: !hostHasAll && `the host lacks one of ${TOOLS.join(', ')}` }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lockbench-doctor-'));
  const tty = join(dir, 'tty');
  const socat = spawn('socat', [`pty,raw,echo=0,link=${tty}`, `pty,raw,echo=0,link=${join(dir, 'other')}`], { stdio: 'ignore' });
  try {
    await waitUntil('socat to create the pty pair', () => existsSync(tty), { timeoutMs: 5000 });
    writeFileSync(join(dir, 'lockbench.config.json'), JSON.stringify({
      places: { door: { target: 'lab', serial: tty, lock_id: 4100007, lock_secret: { env: 'DOOR_SECRET' } } },
    }));
    const env = { PATH: pathOf(dir, TOOLS), DOOR_SECRET: '5e0c9a7b31d24f68a0b1c2d3e4f50617', LOCKBENCH_MQTT_HOST: '127.0.0.1', LOCKBENCH_MQTT_PORT: String(await freePort()) };
    const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), join(process.cwd(), 'bin/doctor.ts')], { encoding: 'utf8', timeout: 30_000, env, cwd: dir });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^ok +bench file +lockbench\.config\.json, place door \(lab\)$/m);
    assert.match(r.stdout, /^ok +serial port +.* opens for reading and writing$/m);
    assert.match(r.stdout, /^ok +broker port +127\.0\.0\.1:\d+ is free$/m);
    assert.doesNotMatch(r.stdout, /^GAP/m);
  } finally {
    socat.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A host that has everything but whose serial port is the dialout group's, this user not in it. */
function dialoutHost(cwd: string, openError: string): Host {
  const st = statSync('/dev/null');
  st.gid = 20;
  st.mode = 0o20660;
  return {
    env: { PATH: '', LOCKBENCH_SERIAL: '/dev/ttyUSB0', LOCKBENCH_TARGET: 'gateway', LOCKBENCH_MQTT_PORT: '1883' }, argv: [], cwd, nodeVersion: '24.1.0', groups: [1000], user: 'ana',
    stat: () => st,
    openRw: () => {
      throw Object.assign(new Error(openError), { code: openError });
    },
    groupName: (gid) => (gid === 20 ? 'dialout' : undefined),
    portTaken: async () => 'EADDRINUSE',
    plugin: () => ({ ok: true, path: '/usr/lib/aarch64-linux-gnu/mosquitto_dynamic_security.so', how: 'found' }),
  };
}

test('a serial port this user may not open: the fix is the dialout group; a taken broker port names the holder\'s fix', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lockbench-doctor-'));
  try {
    const found = await diagnose(dialoutHost(dir, 'EACCES'));
    const by = (c: string): Finding => found.find((f) => f.check === c)!;
    assert.equal(by('serial port').status, 'gap');
    assert.match(by('serial port').detail, /\/dev\/ttyUSB0 cannot be opened for reading and writing \(EACCES; owned by group dialout, mode 660\)/);
    assert.equal(by('serial port').fix, 'sudo usermod -aG dialout ana, then log out and in again');
    assert.equal(by('broker port').status, 'gap');
    assert.match(by('broker port').fix ?? '', /systemctl stop mosquitto/);
    assert.equal(by('node').status, 'ok');
    assert.match((await diagnose(dialoutHost(dir, 'EBUSY'))).find((f) => f.check === 'serial port')!.fix ?? '', /another program holds the port/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
