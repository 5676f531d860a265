import type { ChildProcess } from 'node:child_process';

/** The exit code of `child` once it has exited, or `null` when it is still running after `timeoutMs` (STYLE §18: every wait bounded). */
export function exitOf(child: ChildProcess, timeoutMs: number): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(null), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(t);
      resolve(code);
    });
  });
}

/** Stop `child`: SIGTERM, then SIGKILL when it has not exited after `timeoutMs`; the exit code it gave, or `null` if it had to be killed. */
export async function stopChild(child: ChildProcess, timeoutMs: number): Promise<number | null> {
  child.kill('SIGTERM');
  const code = await exitOf(child, timeoutMs);
  if (code === null) child.kill('SIGKILL');
  return code;
}
