import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * What the harness remembers of a lab device across runs, in one small JSON file
 * (`LOCKBENCH_LAB_STATE`, default `.lockbench/lab-state.json`, git-ignored), written atomically:
 * - `lastSeq`: lock id → the last time-sync seq given to that lock (DESIGN §11: every seq issued is
 *   above every one ever issued, since the lock refuses `seq ≤ last_seq` for the rest of its life);
 * - `linkSeq`: lock id → the last lockwire request seq (u8) the harness reserved on that lock's
 *   link. DESIGN §6 is silent on a host that restarts: a lock answers a repeated seq from its cache,
 *   so a new link numbering from 1 could be handed an answer meant for the last run. A new link
 *   continues after the reserved one instead.
 * Absent is empty; anything unreadable is an error naming the file and the JSON path, never a silent
 * reset (a lower time-sync seq means `replay` on the device).
 */
export interface LabStateFile {
  lastSeq: Record<string, number>;
  linkSeq?: Record<string, number>;
}

export const LAB_STATE_DEFAULT = '.lockbench/lab-state.json';

export function labStatePath(env: NodeJS.ProcessEnv): string {
  return env.LOCKBENCH_LAB_STATE || LAB_STATE_DEFAULT;
}

const isUint = (v: unknown, max: number): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= max;

/** `$.field` must be an object of lock id → integer in 0…max. */
function checkTable(path: string, field: string, table: unknown, max: number, what: string): asserts table is Record<string, number> {
  if (typeof table !== 'object' || table === null || Array.isArray(table)) throw new Error(`lab state ${path}: $.${field} must be an object of ${what} by lock id`);
  for (const [id, v] of Object.entries(table)) {
    if (!/^\d+$/.test(id) || !isUint(v, max)) throw new Error(`lab state ${path}: $.${field}.${id} must be ${max === 0xff ? 'a u8' : 'a uint32'}`);
  }
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
    throw new Error(`lab state ${path}: not JSON (${(e as Error).message}); fix or remove it by hand, and only if no seq above it was ever given to the device`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error(`lab state ${path}: $ must be an object {"lastSeq": {…}}`);
  const { lastSeq, linkSeq } = raw as { lastSeq?: unknown; linkSeq?: unknown };
  checkTable(path, 'lastSeq', lastSeq, 0xffffffff, 'time-sync seqs');
  if (linkSeq === undefined) return { lastSeq };
  checkTable(path, 'linkSeq', linkSeq, 0xff, 'lockwire seqs');
  return { lastSeq, linkSeq };
}

function write(path: string, state: LabStateFile): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(tmp, path);
}

/** Record that time-sync `seq` reached lock `lockId` (kept only if above what is stored) and write the file. */
export function saveLabSeq(path: string, lockId: number, seq: number): void {
  if (!isUint(seq, 0xffffffff)) throw new RangeError(`lab state: a time-sync seq is a uint32, got ${seq}`);
  const state = loadLabState(path);
  if ((state.lastSeq[lockId] ?? 0) >= seq) return;
  state.lastSeq[lockId] = seq;
  write(path, state);
}

/** The first lockwire seq a new link to `lockId` uses: after the last one reserved (1 when none; never 0, wrapping past 255). */
export function firstLinkSeq(path: string, lockId: number): number {
  const last = loadLabState(path).linkSeq?.[lockId];
  return last === undefined ? 1 : (last % 255) + 1;
}

/** Record that the link to `lockId` may use lockwire seqs up to `seq` (u8, wrapping) and write the file. */
export function saveLinkSeq(path: string, lockId: number, seq: number): void {
  if (!isUint(seq, 0xff)) throw new RangeError(`lab state: a lockwire seq is a u8, got ${seq}`);
  const state = loadLabState(path);
  state.linkSeq = { ...state.linkSeq, [lockId]: seq };
  write(path, state);
}
