/**
 * DESIGN §8: SIGINT/SIGTERM stop `npm run sim` (and `npm run serial-lock`) cleanly with exit 0 —
 * sent to the npm process, as a terminal or a CI runner does: no process and no port is left.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { portOpen, stopBySignal } from './processes.test-kit.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const T = { timeout: 60_000 };

/** Start `npm run <script> -- args`, wait for its ready line, signal the npm pid; exit code and leftovers. */
async function stopNpmRun(script: string, args: string[], signal: NodeJS.Signals): ReturnType<typeof stopBySignal> {
  const r = await stopBySignal(spawn('npm', ['run', '--silent', script, '--', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] }), signal);
  assert.ok(r.tree.length > 0, 'npm runs the command as a child');
  return r;
}

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`npm run sim stops on ${signal} to the npm process: exit 0, ports closed, no child left (DESIGN §8)`, T, async () => {
    const r = await stopNpmRun('sim', ['--time', 'frozen'], signal);
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
    const r = await stopNpmRun('serial-lock', ['--port', a, '--lock-id', '1000001', '--secret', 'a1b2c3d4e5f60718293a4b5c6d7e8f90'], 'SIGTERM');
    assert.equal(r.code, 0);
    assert.deepEqual(r.left, [], 'no process left');
  } finally {
    socat.kill('SIGTERM');
  }
});
