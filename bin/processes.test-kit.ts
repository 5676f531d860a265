/**
 * A launcher and what it started, stopped by a signal to the launcher alone, as a terminal or a CI runner does
 * (DESIGN §8: a signal stops a world; nothing and no port is left). Shared by bin/signals.test.ts (`npm run`)
 * and bin/consumer.check.ts (`npx lockbench` from an installed package).
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';

/** Every descendant of `pid` now (from `ps`). */
export function descendants(pid: number): number[] {
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

export const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** The first stdout line, or fail after timeoutMs. */
export async function firstLine(child: ChildProcess, timeoutMs: number): Promise<string> {
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

export const portOpen = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });

/**
 * Wait for the launcher's ready line, signal the launcher's pid only; its exit code, the line, its tree of processes
 * when ready, and what is left of that tree `graceMs` after it exited (real time: transport, not domain time).
 */
export async function stopBySignal(launcher: ChildProcess, signal: NodeJS.Signals, graceMs = 200): Promise<{ code: number | null; ready: string; tree: number[]; left: number[] }> {
  const exited = once(launcher, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  let tree: number[] = [];
  try {
    const ready = await firstLine(launcher, 30_000);
    tree = descendants(launcher.pid!);
    launcher.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, rej) => { timer = setTimeout(() => rej(new Error(`the launcher did not exit within 8 s of ${signal}`)), 8000); });
    const [code] = await Promise.race([exited, late]).finally(() => clearTimeout(timer));
    for (const t0 = performance.now(); tree.some(alive) && performance.now() - t0 < graceMs;) await new Promise((r) => setTimeout(r, 50));
    return { code, ready, tree, left: tree.filter(alive) };
  } finally {
    // Leftovers of a failed run are ended by their own pids (never by name).
    if (launcher.exitCode === null) launcher.kill('SIGKILL');
    for (const pid of [...tree, ...descendants(launcher.pid!)]) if (alive(pid)) process.kill(pid, 'SIGKILL');
  }
}
