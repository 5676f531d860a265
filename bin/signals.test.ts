/**
 * DESIGN §8: SIGINT/SIGTERM stop `npm run sim` (and `npm run serial-lock`) cleanly with exit 0 —
 * sent to the npm process, as a terminal or a CI runner does: no process and no port is left.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, existsSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const T = { timeout: 60_000 };

/** Every descendant of `pid` now (from `ps`). */
function descendants(pid: number): number[] {
  const rows = spawnSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' }).stdout.trim().split('\n');
  const children = new Map<number, number[]>();
  for (const row of rows) {
    const [p, pp] = row.trim().split(/\s+/).map(Number) as [number, number];
    children.set(pp, [...(children.get(pp) ?? []), p]);
  }
  const out: number[] = [];
  for (let todo = [pid]; todo.length > 0;) {
    const next = children.get(todo.pop()!) ?? [];
    out.push(...next);
    todo.push(...next);
  }
  return out;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** The first stdout line, or fail after timeoutMs. */
async function firstLine(child: ChildProcess, timeoutMs: number): Promise<string> {
  let buf = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line within ${timeoutMs} ms`)), timeoutMs);
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolve(buf.slice(0, nl));
      }
    });
  });
}

const portOpen = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });

/** Start `npm run <script> -- args`, wait for its ready line, signal the npm pid; exit code and leftovers. */
async function stopBySignal(script: string, args: string[], signal: NodeJS.Signals): Promise<{ code: number | null; ready: string; left: number[] }> {
  const npm = spawn('npm', ['run', '--silent', script, '--', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = once(npm, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  let tree: number[] = [];
  try {
    const ready = await firstLine(npm, 30_000);
    tree = descendants(npm.pid!);
    assert.ok(tree.length > 0, 'npm runs the command as a child');
    npm.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, rej) => { timer = setTimeout(() => rej(new Error(`npm did not exit within 8 s of ${signal}`)), 8000); });
    const [code] = await Promise.race([exited, late]).finally(() => clearTimeout(timer));
    await new Promise((r) => setTimeout(r, 200)); // real time for orphans to show (transport, not domain time)
    return { code, ready, left: tree.filter(alive) };
  } finally {
    // Leftovers of a failed run are ended by their own pids (never by name); orphans no longer hang under npm.
    if (npm.exitCode === null) npm.kill('SIGKILL');
    for (const pid of [...tree, ...descendants(npm.pid!)]) if (alive(pid)) process.kill(pid, 'SIGKILL');
  }
}

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`npm run sim stops on ${signal} to the npm process: exit 0, ports closed, no child left (DESIGN §8)`, T, async () => {
    const r = await stopBySignal('sim', ['--time', 'frozen'], signal);
    assert.equal(r.code, 0);
    assert.deepEqual(r.left, [], 'no process left');
    const urls = JSON.parse(r.ready) as Record<string, string>;
    for (const url of Object.values(urls)) assert.equal(await portOpen(Number(new URL(url).port)), false, `${url} closed`);
  });
}

test('npm run serial-lock stops on SIGTERM to the npm process: exit 0, no child left (DESIGN §8)', T, async (t) => {
  if (spawnSync('socat', ['-V']).status !== 0) return t.skip('socat is not installed');
  const dir = mkdtempSync(join(tmpdir(), 'lockbench-sig-'));
  const a = join(dir, 'a');
  const socat = spawn('socat', [`pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${join(dir, 'b')}`], { stdio: 'ignore' });
  try {
    for (let i = 0; i < 100 && !existsSync(a); i++) await new Promise((r) => setTimeout(r, 20));
    const r = await stopBySignal('serial-lock', ['--port', a, '--lock-id', '1000001', '--secret', 'a1b2c3d4e5f60718293a4b5c6d7e8f90'], 'SIGTERM');
    assert.equal(r.code, 0);
    assert.deepEqual(r.left, [], 'no process left');
  } finally {
    socat.kill('SIGTERM');
  }
});
