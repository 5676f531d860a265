import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { PersistedLock } from '../lock/types.ts';
import { isUint32 } from '../protocol/index.ts';

/**
 * The serial lock's flash (`--state FILE`): what a real firmware keeps across restarts (DESIGN §11)
 * — last time-sync seq, user passwords, lockout, clock anchor. Written atomically (temp file +
 * rename) so a kill mid-write never leaves half a file; a file that cannot be read is an error
 * naming the path, never a silent reset (a reset `last_seq` would accept replays).
 */
export class StateFile {
  private last = '';

  constructor(readonly path: string) {}

  /** The saved state, undefined when the file does not exist yet; throws naming the path and field otherwise. */
  load(): PersistedLock | undefined {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new Error(`${this.path}: cannot read the lock state: ${(e as Error).message}`);
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (e) {
      throw new Error(`${this.path}: the lock state is not JSON: ${(e as Error).message}`);
    }
    const problem = checkPersisted(raw);
    if (problem) throw new Error(`${this.path}: the lock state is malformed at ${problem}`);
    this.last = text;
    return raw as PersistedLock;
  }

  /** Write `state` if it differs from what the file holds. */
  save(state: PersistedLock): void {
    const text = `${JSON.stringify(state)}\n`;
    if (text === this.last) return;
    mkdirSync(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, text);
    renameSync(tmp, this.path);
    this.last = text;
  }
}


/** The JSON path of the first malformed field, or undefined when `raw` is a PersistedLock. */
function checkPersisted(raw: unknown): string | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return '$';
  const o = raw as Record<string, unknown>;
  if (!isUint32(o.lock_id)) return '$.lock_id';
  if (!isUint32(o.last_seq)) return '$.last_seq';
  if (!Array.isArray(o.passwords)) return '$.passwords';
  for (const [i, p] of o.passwords.entries()) {
    const q = p as Record<string, unknown>;
    if (typeof p !== 'object' || p === null || !isUint32(q.uid) || typeof q.password !== 'string' || !isUint32(q.start) || !isUint32(q.end)) return `$.passwords[${i}]`;
  }
  const lo = o.lockout as Record<string, unknown> | undefined;
  if (typeof lo !== 'object' || lo === null || !Number.isInteger(lo.wrong) || !(lo.since === null || typeof lo.since === 'number')) return '$.lockout';
  const c = o.clock as Record<string, unknown> | undefined;
  if (typeof c !== 'object' || c === null || typeof c.offset_s !== 'number' || !Number.isFinite(c.offset_s) || typeof c.trusted !== 'boolean') return '$.clock';
  return undefined;
}
