import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Where the lab keeps what it issued to its devices (DESIGN §11); git-ignored. */
export const DEFAULT_LAB_STATE = '.lockbench/lab-state.json';

/** The state file's path: `LOCKBENCH_LAB_STATE`, else the default. */
export function labStatePath(env: NodeJS.ProcessEnv = process.env): string {
  return env.LOCKBENCH_LAB_STATE || DEFAULT_LAB_STATE;
}

/** The file's shape: lock id → the last time-sync seq the harness ever issued to it (the lab target's format). */
interface LabState {
  lastSeq: Record<string, number>;
}

const isU32 = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0xffffffff;

/**
 * Read the whole file; an absent file is an empty state. Anything else unreadable throws naming
 * the path: resetting it silently would make the harness issue lower seqs, which the device
 * refuses as `replay` for the rest of its life (DESIGN §5.3, §11).
 */
function load(path: string): LabState {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { lastSeq: {} };
    throw new Error(`lab state ${path}: cannot read it: ${(e as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`lab state ${path}: not JSON (${(e as Error).message}); fix or remove it by hand — a lower seq means replay on the device`);
  }
  const last = (raw as { lastSeq?: unknown } | null)?.lastSeq;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || typeof last !== 'object' || last === null || Array.isArray(last)) {
    throw new Error(`lab state ${path}: $.lastSeq must be an object of seqs by lock id`);
  }
  for (const [id, seq] of Object.entries(last)) {
    if (!/^\d+$/.test(id) || !isU32(seq)) throw new Error(`lab state ${path}: $.lastSeq.${id} must be a uint32`);
  }
  return raw as LabState;
}

/** The last seq issued to `lockId`, or undefined if the harness never synced it. */
export function readLastSeq(path: string, lockId: number): number | undefined {
  return load(path).lastSeq[String(lockId)];
}

/**
 * Record `seq` as the last one issued to `lockId`, keeping every other lock's entry; written
 * atomically (temp file + rename, folder created) so a killed run never leaves half a file.
 * A seq lower than the recorded one is refused: the record only grows.
 */
export function writeLastSeq(path: string, lockId: number, seq: number): void {
  if (!isU32(seq)) throw new RangeError(`lab state: seq must be a uint32, got ${seq}`);
  const state = load(path);
  const before = state.lastSeq[String(lockId)];
  if (before !== undefined && seq < before) throw new RangeError(`lab state ${path}: seq ${seq} for lock ${lockId} is below the recorded ${before}`);
  state.lastSeq[String(lockId)] = seq;
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 1)}\n`);
  renameSync(tmp, path);
}
