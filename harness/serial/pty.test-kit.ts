import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitUntil } from '../../sim/io/index.ts';

// The serial path on real ptys (socat) with the command-line devices as separate processes: the
// helpers every pty test shares.

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const LOCK_ID = 1000001;
export const SECRET = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';

/**
 * Why this machine cannot run the pty test, or null. In CI a missing socat is a failure, not a skip (TEST-PLAN
 * LAB: the pty test is what CI has of the serial path).
 */
export function socatMissing(): string | null {
  const r = spawnSync('socat', ['-V'], { stdio: 'ignore' });
  return r.error ? `socat is not installed (apt-get install socat): ${r.error.message}` : null;
}

/** A socat pty pair linked at `host` and `lock`, ready when both links exist. */
export async function ptyPair(host: string, lock: string): Promise<ChildProcess> {
  const socat = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${host}`, `pty,raw,echo=0,link=${lock}`], { stdio: 'ignore' });
  try {
    await waitUntil('socat to create the pty links', () => existsSync(host) && existsSync(lock), { timeoutMs: 5000 });
  } catch (e) {
    socat.kill('SIGKILL');
    throw e;
  }
  return socat;
}

/** A command-line device as its own process: its stderr so far. */
export interface Started {
  child: ChildProcess;
  stderr: () => string;
}

/**
 * Start `node --import tsx bin/{script}` with `args` (and `env` on top of this one's) and wait for the
 * JSON ready line it prints on stdout; it must deep-equal `ready` on the keys `ready` names.
 */
export async function startReady(script: string, args: string[], ready: Record<string, unknown>, env: NodeJS.ProcessEnv = {}): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', `bin/${script}`, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  try {
    await waitUntil(`${script} ready line`, () => out.includes('\n') || child.exitCode !== null, { timeoutMs: 10_000 });
    const line = JSON.parse(out.split('\n')[0]!) as Record<string, unknown>;
    assert.deepEqual(Object.fromEntries(Object.keys(ready).map((k) => [k, line[k]])), ready, `ready line; stderr: ${err}`);
  } catch (e) {
    child.kill('SIGKILL');
    throw new Error(`${(e as Error).message}; stderr: ${err}`);
  }
  return { child, stderr: () => err };
}

/** Start `bin/serial-lock.ts` and wait for its ready line. */
export function serialLock(port: string, flags: string[] = []): Promise<Started> {
  return startReady('serial-lock.ts', ['--port', port, '--lock-id', String(LOCK_ID), '--secret', SECRET, ...flags], { ready: true, port });
}

/** A temp folder and the two pty link paths, or undefined when the test was skipped (no socat; in CI a failure). */
export function ptyPaths(t: TestContext): { dir: string; hostPath: string; lockPath: string } | undefined {
  const missing = socatMissing();
  if (missing) {
    if (process.env.CI === 'true') assert.fail(`CI=true and ${missing}`);
    t.skip(missing);
    return undefined;
  }
  const dir = mkdtempSync(join(tmpdir(), 'lockbench-pty-'));
  return { dir, hostPath: join(dir, 'host'), lockPath: join(dir, 'lock') };
}
