import { UINT32_MAX } from '../../../sim/protocol/index.ts';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SeqLedger, SeqUse } from '../../serial/seq-ledger.ts';

/**
 * What the harness remembers of a lab device across runs (DESIGN §11), one small JSON file
 * (`LOCKBENCH_LAB_STATE`, default `.lockbench/lab-state.json`, git-ignored), written atomically on
 * every change, by lock id:
 * - `lastSeq`: the last time-sync seq given to the lock (it refuses `seq ≤ last_seq` for life);
 * - `link`: the lockwire seq space (DESIGN §6 "Answer caches"): each seq's last use (wall ms, payload
 *   digest) and the seq used last — the device may cache answers for ever and outlives the host;
 * - `lockTime`: the latest lock time the device has shown or been set to, which bounds the end of a
 *   lockout begun before a set-back (DESIGN §11).
 * Absent is empty; anything unreadable is an error naming the file and the JSON path, never a silent
 * reset (a lower time-sync seq means `replay` on the device; a forgotten seq space, stale answers).
 * An older file's `linkSeq` (a u8 per lock) is read as the seq used last.
 */
export interface LabStateFile {
  lastSeq: Record<string, number>;
  link?: Record<string, { last: number; uses: Record<string, [atMs: number, key: string]> }>;
  lockTime?: Record<string, number>;
}

export const LAB_STATE_DEFAULT = '.lockbench/lab-state.json';

export function labStatePath(env: NodeJS.ProcessEnv): string {
  return env.LOCKBENCH_LAB_STATE || LAB_STATE_DEFAULT;
}

const isUint = (v: unknown, max: number): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= max;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `$.field` must be an object of lock id → integer in 0…max. */
function checkTable(path: string, field: string, table: unknown, max: number, what: string): asserts table is Record<string, number> {
  if (!isObject(table)) throw new Error(`lab state ${path}: $.${field} must be an object of ${what} by lock id`);
  for (const [id, v] of Object.entries(table)) {
    if (!/^\d+$/.test(id) || !isUint(v, max)) throw new Error(`lab state ${path}: $.${field}.${id} must be ${max === 0xff ? 'a u8' : 'a uint32'}`);
  }
}

function checkLink(path: string, link: unknown): asserts link is NonNullable<LabStateFile['link']> {
  if (!isObject(link)) throw new Error(`lab state ${path}: $.link must be an object of seq spaces by lock id`);
  for (const [id, space] of Object.entries(link)) {
    const at = `$.link.${id}`;
    if (!/^\d+$/.test(id) || !isObject(space) || !isUint(space.last, 0xff) || !isObject(space.uses)) throw new Error(`lab state ${path}: ${at} must be {"last": u8, "uses": {…}}`);
    for (const [seq, u] of Object.entries(space.uses)) {
      const ok = /^\d+$/.test(seq) && isUint(Number(seq), 0xff) && Array.isArray(u) && u.length === 2 && Number.isFinite(u[0]) && typeof u[1] === 'string';
      if (!ok) throw new Error(`lab state ${path}: ${at}.uses.${seq} must be [wall ms, payload digest] under a u8 seq`);
    }
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
  if (!isObject(raw)) throw new Error(`lab state ${path}: $ must be an object {"lastSeq": {…}}`);
  const { lastSeq, link, lockTime, linkSeq } = raw;
  checkTable(path, 'lastSeq', lastSeq, UINT32_MAX, 'time-sync seqs');
  const out: LabStateFile = { lastSeq };
  if (link !== undefined) {
    checkLink(path, link);
    out.link = link;
  }
  if (lockTime !== undefined) {
    checkTable(path, 'lockTime', lockTime, UINT32_MAX, 'lock times');
    out.lockTime = lockTime;
  }
  if (linkSeq !== undefined) {
    checkTable(path, 'linkSeq', linkSeq, 0xff, 'lockwire seqs');
    for (const [id, last] of Object.entries(linkSeq)) out.link = { [id]: { last, uses: {} }, ...out.link };
  }
  return out;
}

/**
 * The lab state of one run, owned by one object: read once, every change written through (atomic
 * rename) before it takes effect on the wire. One process writes a file at a time (one lab worker).
 */
export class LabState {
  private readonly state: LabStateFile;

  constructor(readonly path: string) {
    this.state = loadLabState(path);
  }

  /** The last time-sync seq given to `lockId`, 0 when none. */
  lastSeq(lockId: number): number {
    return this.state.lastSeq[lockId] ?? 0;
  }

  /** Time-sync `seq` reached `lockId`: kept only if above what is stored. */
  recordSeq(lockId: number, seq: number): void {
    if (!isUint(seq, UINT32_MAX)) throw new RangeError(`lab state: a time-sync seq is a uint32, got ${seq}`);
    if (this.lastSeq(lockId) >= seq) return;
    this.state.lastSeq[lockId] = seq;
    this.write();
  }

  /** The latest lock time `lockId` has shown or been set to, or undefined. */
  lockTime(lockId: number): number | undefined {
    return this.state.lockTime?.[lockId];
  }

  /** The device showed (or was set to) lock time `t`: kept if later than what is stored. */
  noteLockTime(lockId: number, t: number): void {
    if (!isUint(t, UINT32_MAX) || (this.lockTime(lockId) ?? -1) >= t) return;
    this.state.lockTime = { ...this.state.lockTime, [lockId]: t };
    this.write();
  }

  /** The lockwire seq space of `lockId` as a ledger for its link (DESIGN §6). */
  ledger(lockId: number): SeqLedger {
    const space = () => (this.state.link ??= {})[lockId] ??= { last: 0, uses: {} };
    return {
      last: (seq): SeqUse | undefined => {
        const u = space().uses[seq];
        return u ? { atMs: u[0], key: u[1] } : undefined;
      },
      use: (seq, u) => {
        const s = space();
        s.uses[seq] = [Math.round(u.atMs), u.key];
        s.last = seq;
        this.write();
      },
      get lastSeq() {
        return space().last;
      },
    };
  }

  private write(): void {
    mkdirSync(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(this.state)}\n`);
    renameSync(tmp, this.path);
  }
}
