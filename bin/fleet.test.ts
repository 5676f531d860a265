import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { freePort } from '../sim/io/free-port.ts';
import { waitUntil } from '../sim/io/wait.ts';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { signBody } from '../sim/protocol/index.ts';
import { GENERATED_LOCK_BASE } from '../sim/world/fleet-shard.ts';

// DESIGN §13 fleets, as the README's recipe: Mosquitto from broker-config, the cloud alone, two fleet shards.
const hasMosquitto = !spawnSync('mosquitto', ['-h']).error;

function ready(child: ChildProcess, what: string, timeoutMs: number): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: no ready line within ${timeoutMs} ms`)), timeoutMs);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`${what} exited ${code}`)); });
    createInterface({ input: child.stdout! }).once('line', (line) => { clearTimeout(timer); resolve(JSON.parse(line) as Record<string, unknown>); });
  });
}

const exited = (c: ChildProcess, timeoutMs: number): Promise<number | null> => new Promise((resolve) => {
  if (c.exitCode !== null) return resolve(c.exitCode);
  const timer = setTimeout(() => { c.kill('SIGKILL'); resolve(null); }, timeoutMs);
  c.once('exit', (code) => { clearTimeout(timer); resolve(code); });
});

test('fleet --generate: random-seeded unless told (seed printed), written 0600; the same --seed gives the same fixture', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lockbench-fleet-gen-'));
  const gen = (out: string, ...extra: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'bin/fleet.ts', '--generate', '--locks', '2', '--gateways', '1', '--out', join(dir, out), ...extra], { encoding: 'utf8' });
  const secretOf = (out: string): string => (JSON.parse(readFileSync(join(dir, out), 'utf8')) as { gateways: { secret: string }[] }).gateways[0]!.secret;
  try {
    const a = gen('a.json');
    assert.equal(a.status, 0, a.stderr);
    assert.equal(gen('b.json').status, 0);
    assert.notEqual(secretOf('a.json'), secretOf('b.json'), 'two unseeded fleets share no secret');
    assert.equal(statSync(join(dir, 'a.json')).mode & 0o777, 0o600);
    const seed = /seed ([0-9a-f]{32})/.exec(`${a.stdout}${a.stderr}`)?.[1];
    assert.ok(seed, 'the seed is printed');
    assert.equal(gen('c.json', '--seed', seed).status, 0);
    assert.equal(secretOf('c.json'), secretOf('a.json'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('fleet --connect-timeout-ms: out of range or not a number is refused naming the flag, before any fixture is read', () => {
  for (const bad of ['0', 'soon']) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'bin/fleet.ts', '--fixture', '/nonexistent.json', '--mqtt-url', 'mqtt://cloud:x@127.0.0.1:1', '--connect-timeout-ms', bad], { encoding: 'utf8' });
    assert.notEqual(r.status, 0, bad);
    assert.match(r.stderr, /--connect-timeout-ms/, bad);
  }
});

test('fleet: a bad fixture, parsed in the loader thread, is refused naming each JSON path', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lockbench-fleet-bad-'));
  try {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ apps: [{ app_id: 'a', app_secret: '12345678' }], gateways: [{ ap_id: 5, secret: 'abcd', locks: [1] }], locks: [{ lock_id: 1, mac: 'zz', secret_hex: '00' }] }));
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'bin/fleet.ts', '--fixture', bad, '--mqtt-url', 'mqtt://cloud:x@127.0.0.1:1'], { encoding: 'utf8' });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /\$\.locks\[0\]\.mac/);
    assert.match(r.stderr, /\$\.locks\[0\]\.secret_hex/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('fleet shards on Mosquitto are driven by the cloud alone; a stopped shard is offline to it', { skip: !hasMosquitto && 'mosquitto is not installed', timeout: 90_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lockbench-fleet-test-'));
  const children: ChildProcess[] = [];
  const tsx = (...args: string[]) => {
    const c = spawn(process.execPath, ['--import', 'tsx', ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
    children.push(c);
    return c;
  };
  try {
    const fixture = join(dir, 'fleet.json');
    assert.equal(spawnSync(process.execPath, ['--import', 'tsx', 'bin/fleet.ts', '--generate', '--locks', '8', '--gateways', '4', '--out', fixture]).status, 0);
    const port = await freePort();
    assert.equal(spawnSync(process.execPath, ['--import', 'tsx', 'bin/broker-config.ts', '--fixture', fixture, '--out', dir, '--port', String(port)]).status, 0);
    const url = readFileSync(join(dir, 'cloud.url'), 'utf8').trim();
    const broker = spawn('mosquitto', ['-c', join(dir, 'mosquitto.conf')], { stdio: 'ignore' });
    children.push(broker);
    const accepts = (): Promise<boolean> => new Promise((resolve) => {
      const s = connect({ host: '127.0.0.1', port }, () => { s.destroy(); resolve(true); }).once('error', () => resolve(false));
    });
    await waitUntil(`mosquitto to listen on ${port}`, accepts, { timeoutMs: 10_000, intervalMs: 50 });
    const cloud = await ready(tsx('bin/sim.ts', '--fixture', fixture, '--mqtt-url', url, '--gateways', 'none', '--start', 'now'), 'cloud', 30_000);
    const shard1 = tsx('bin/fleet.ts', '--fixture', fixture, '--mqtt-url', url, '--shard', '1/2');
    const [s1, s2] = await Promise.all([ready(shard1, 'shard 1', 30_000), ready(tsx('bin/fleet.ts', '--fixture', fixture, '--mqtt-url', url, '--shard', '2/2'), 'shard 2', 30_000)]);
    assert.deepEqual([s1.gateways, s1.locks, s2.gateways, s2.locks], [2, 4, 2, 4]);

    const app = (JSON.parse(readFileSync(fixture, 'utf8')) as { apps: { app_id: string; app_secret: string }[] }).apps[0]!;
    const open = async (lockId: number): Promise<number> => {
      const body: Record<string, unknown> = { app_id: app.app_id, lock_id: lockId, attach: '' };
      body.sign = signBody(body, app.app_secret, Math.floor(Date.now() / 1000));
      const res = await fetch(`${String(cloud.api)}/third/lock/open`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
      return ((await res.json()) as { code: number }).code;
    };
    const codeUntil = async (lockId: number, want: number): Promise<number> => {
      let code = 0;
      for (let i = 0; i < 50 && code !== want; i++) {
        code = await open(lockId);
        if (code !== want) await new Promise((r) => setTimeout(r, 100));
      }
      return code;
    };
    // Lock i is behind gateway (i mod 4); gateway ap_id 1000001 + g is in shard ((ap_id mod 2) + 1).
    const inShard1 = GENERATED_LOCK_BASE + 1; // gateway 1000002, even: shard 1
    const inShard2 = GENERATED_LOCK_BASE; // gateway 1000001, odd: shard 2
    assert.equal(await codeUntil(inShard1, 200), 200);
    assert.equal(await codeUntil(inShard2, 200), 200);
    // The lock's own control API is the shard's: the open shows as a network unlock there.
    const state = (await (await fetch(`${String(s1.control)}/locks/${inShard1}`)).json()) as { events: { type: string; mode?: number }[] };
    assert.ok(state.events.some((e) => e.type === 'unlock' && e.mode === 3));

    shard1.kill('SIGTERM');
    assert.equal(await exited(shard1, 10_000), 0, 'a shard stops cleanly');
    assert.equal(await codeUntil(inShard1, 360), 360, "a stopped shard's lock is offline to the cloud");
    assert.equal(await open(inShard2), 200);
  } finally {
    for (const c of children.reverse()) {
      c.kill('SIGTERM');
      await exited(c, 5000);
    }
    rmSync(dir, { recursive: true, force: true });
  }
});
