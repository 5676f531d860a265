/**
 * The simulator's journal (DESIGN §8 extension): a bounded ring of every API exchange, control call,
 * MQTT message between cloud and gateways and push attempt, so a developer calling `npm run sim` with
 * curl can see what was sent and what was answered (`GET /journal`, `--journal`).
 *
 * Bounded: at most `capacity` entries (default JOURNAL_CAPACITY), each detail cut to DETAIL_MAX_CHARS
 * characters of JSON, so the ring holds at most ~capacity × 4 KiB. Never blocking: a listener that
 * throws is dropped, and recording is synchronous bookkeeping only.
 */

/** What an entry records. */
export type JournalKind = 'api' | 'control' | 'mqtt' | 'push';

export const JOURNAL_KINDS: readonly JournalKind[] = ['api', 'control', 'mqtt', 'push'];

/** One journal entry. */
export interface JournalEntry {
  /** 1, 2, 3… in order of recording; `GET /journal?since=N` answers entries with seq > N. */
  seq: number;
  /** World time of recording, unix seconds (DESIGN §2). */
  at: number;
  kind: JournalKind;
  /** The lock the entry concerns, when one is named (a body's `lock_id`). */
  lock_id?: number;
  /** One line: `POST /v2/lock/unlock → 200 code 0`. */
  summary: string;
  /** Request and answer, secrets redacted, cut to DETAIL_MAX_CHARS of JSON. */
  detail?: unknown;
}

/** Entries kept by default: with details cut to 2 KiB of JSON, a few MiB at most. */
export const JOURNAL_CAPACITY = 2000;

/** Longest detail kept, in characters of JSON; a longer one is replaced by its head. */
export const DETAIL_MAX_CHARS = 2048;

/**
 * Keys whose values never enter the journal: app secrets, request signatures, gateway and lock secrets,
 * and passwords in bodies (a door code is a secret, and the broker's and gateways' passwords too).
 */
const SECRET_KEY = /secret|^sign$|password|^pwd$|passwd/i;

const REDACTED = '«redacted»';

/** A copy of `v` with every secret-named key's value replaced (DESIGN §4 security: no secret in logs). */
export function redactSecrets(v: unknown, depth = 0): unknown {
  if (v === null || typeof v !== 'object' || depth > 32) return v;
  if (Array.isArray(v)) return v.map((x) => redactSecrets(x, depth + 1));
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, SECRET_KEY.test(k) ? REDACTED : redactSecrets(x, depth + 1)]));
}

/** The redacted detail, or its JSON head when longer than DETAIL_MAX_CHARS. */
function boundedDetail(detail: unknown): unknown {
  const redacted = redactSecrets(detail);
  const text = JSON.stringify(redacted) ?? 'null';
  return text.length <= DETAIL_MAX_CHARS ? redacted : { truncated: true, chars: text.length, head: text.slice(0, DETAIL_MAX_CHARS) };
}

/** Which entries a reader wants (`GET /journal?since=&kind=&lock_id=`). */
export interface JournalQuery {
  since?: number;
  kind?: JournalKind;
  lockId?: number;
}

/** A lock id named by a body, if any. */
export function lockIdOf(body: unknown): number | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const v = (body as Record<string, unknown>).lock_id;
  return typeof v === 'number' && Number.isInteger(v) ? v : undefined;
}

/** The bounded ring (see the file's head). */
export class Journal {
  private readonly ring: JournalEntry[] = [];
  private next = 1;
  private readonly listeners = new Set<(e: JournalEntry) => void>();
  /** Entries pushed out of the ring by newer ones. */
  dropped = 0;

  constructor(private readonly now: () => number, readonly capacity = JOURNAL_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`journal capacity must be a positive integer, got ${capacity}`);
  }

  /** Record one entry (secrets redacted, detail bounded) and hand it to every listener. */
  add(kind: JournalKind, summary: string, detail?: unknown, lockId?: number): void {
    const entry: JournalEntry = { seq: this.next++, at: this.now(), kind, summary };
    if (lockId !== undefined) entry.lock_id = lockId;
    if (detail !== undefined) entry.detail = boundedDetail(detail);
    if (this.ring.length >= this.capacity) {
      this.ring.shift();
      this.dropped++;
    }
    this.ring.push(entry);
    for (const l of this.listeners) {
      try {
        l(entry);
      } catch {
        this.listeners.delete(l);
      }
    }
  }

  /** The kept entries matching `q`, oldest first. */
  list(q: JournalQuery = {}): JournalEntry[] {
    return this.ring.filter((e) => (q.since === undefined || e.seq > q.since)
      && (q.kind === undefined || e.kind === q.kind)
      && (q.lockId === undefined || e.lock_id === q.lockId));
  }

  /** Called with every new entry until the returned function is called. */
  subscribe(listener: (e: JournalEntry) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get size(): number {
    return this.ring.length;
  }

  clear(): void {
    this.ring.length = 0;
  }
}
