import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * What the harness remembers of a lab device across runs (DESIGN §11): the last time-sync seq it gave
 * each lock id, so every seq it issues is above every one it ever issued. A small JSON file,
 * `LOCKBENCH_LAB_STATE` (default `.lockbench/lab-state.json`), written atomically.
 */
export interface LabStateFile {
  /** lock id → last seq delivered to that lock. */
  lastSeq: Record<string, number>;
}

export const LAB_STATE_DEFAULT = '.lockbench/lab-state.json';

export function labStatePath(env: NodeJS.ProcessEnv): string {
  return env.LOCKBENCH_LAB_STATE || LAB_STATE_DEFAULT;
}

/** Read the state file; absent is empty, a broken one is an error naming the file and the JSON path. */
export function loadLabState(path: string): LabStateFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { lastSeq: {} };
    throw new Error(`lab state ${path}: cannot read it (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`lab state ${path}: not JSON (${(e as Error).message}); delete it only if no seq above it was ever given to the device`);
  }
  const last = (raw as { lastSeq?: unknown } | null)?.lastSeq;
  if (typeof last !== 'object' || last === null || Array.isArray(last)) throw new Error(`lab state ${path}: $.lastSeq must be an object`);
  for (const [id, seq] of Object.entries(last)) {
    if (!Number.isInteger(seq) || (seq as number) < 0 || (seq as number) > 0xffffffff) throw new Error(`lab state ${path}: $.lastSeq.${id} must be a uint32`);
  }
  return { lastSeq: last as Record<string, number> };
}

/** Record that `seq` reached lock `lockId` (kept only if above what is stored) and write the file. */
export function saveLabSeq(path: string, lockId: number, seq: number): void {
  const state = loadLabState(path);
  if ((state.lastSeq[lockId] ?? 0) >= seq) return;
  state.lastSeq[lockId] = seq;
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(tmp, path);
}
