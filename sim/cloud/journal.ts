/**
 * The simulator's journal (DESIGN §8 extension): a bounded ring of every API exchange, control call,
 * MQTT message between cloud and gateways and push attempt, so a developer calling `npm run sim` with
 * curl can see what was sent and what was answered (`GET /journal`, `--journal`).
 *
 * Bounded: at most `capacity` entries (default JOURNAL_CAPACITY), each detail cut to DETAIL_MAX_CHARS
 * characters of JSON when read, and kept meanwhile as at most KEPT_MAX_CHARS characters, so the ring holds
 * at most ~capacity × 4 KiB. Never blocking: a listener that throws is dropped, and recording is
 * synchronous bookkeeping only.
 *
 * Cheap to record (DESIGN §13: the journal is always on, on the remote-open round trip): an entry is kept
 * as what it was recorded from — its detail as one JSON text, or a builder over values that never change —
 * and redacted and cut only when someone reads it (`list`, a listener). What a reader sees is the same as
 * if it had been redacted and cut when recorded; until then the unredacted text stays in the simulator's
 * memory only, beside the bodies it came from.
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
 * Longest JSON text of a detail kept unredacted until read: redaction can shrink a detail (a long secret
 * becomes `«redacted»`), so a text a little over DETAIL_MAX_CHARS may still be shown whole; a longer
 * one is redacted and cut when recorded, which bounds the ring's memory.
 */
const KEPT_MAX_CHARS = 2 * DETAIL_MAX_CHARS;

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

/**
 * What a deferred recording builds when its entry is first read (`Journal.defer`). The builder runs
 * later, so it must close over values that cannot change: strings, numbers, bytes nobody writes to.
 */
export interface Recorded {
  summary: string;
  detail?: unknown;
  lockId?: number;
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

/** One slot of the ring: what was recorded, and the entry readers see once it was built. */
interface Slot {
  seq: number;
  at: number;
  kind: JournalKind;
  /** The entry as readers see it, built on first read. */
  entry?: JournalEntry;
  /** Until then: the summary, lock id and detail's JSON text, or a builder (`defer`). */
  summary?: string;
  lockId?: number;
  detailJson?: string;
  build?: () => Recorded;
}

function entryOf(slot: Slot): JournalEntry {
  if (slot.entry) return slot.entry;
  let summary = slot.summary ?? '';
  let lockId = slot.lockId;
  let detail: unknown;
  if (slot.build) {
    const r = slot.build();
    ({ summary, lockId } = r);
    detail = r.detail === undefined ? undefined : boundedDetail(r.detail);
  } else if (slot.detailJson !== undefined) {
    detail = boundedDetail(JSON.parse(slot.detailJson));
  }
  const entry: JournalEntry = { seq: slot.seq, at: slot.at, kind: slot.kind, summary };
  if (lockId !== undefined) entry.lock_id = lockId;
  if (detail !== undefined) entry.detail = detail;
  // What the entry was built from is let go: only the redacted, bounded entry stays.
  slot.entry = entry;
  slot.summary = slot.detailJson = slot.build = slot.lockId = undefined;
  return entry;
}

/** The bounded ring (see the file's head): a fixed array written round, never shifted. */
export class Journal {
  private readonly ring: (Slot | undefined)[];
  /** Index of the oldest kept slot, and how many are kept. */
  private head = 0;
  private count = 0;
  private next = 1;
  private readonly listeners = new Set<(e: JournalEntry) => void>();
  /** Entries pushed out of the ring by newer ones. */
  dropped = 0;

  constructor(private readonly now: () => number, readonly capacity = JOURNAL_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`journal capacity must be a positive integer, got ${capacity}`);
    this.ring = new Array<Slot | undefined>(capacity);
  }

  /**
   * Record one entry and hand it to every listener. The detail is copied now as its JSON text (so a
   * caller may change its objects afterwards); secrets are redacted and the detail cut when it is read.
   */
  add(kind: JournalKind, summary: string, detail?: unknown, lockId?: number): void {
    const slot: Slot = { seq: this.next++, at: this.now(), kind, summary };
    if (lockId !== undefined) slot.lockId = lockId;
    const json = detail === undefined ? undefined : JSON.stringify(detail);
    if (json !== undefined) slot.detailJson = json;
    if (json !== undefined && json.length > KEPT_MAX_CHARS) entryOf(slot);
    this.keep(slot);
  }

  /** Record one entry whose summary, detail and lock id are built only when it is read (see `Recorded`). */
  defer(kind: JournalKind, build: () => Recorded): void {
    this.keep({ seq: this.next++, at: this.now(), kind, build });
  }

  private keep(slot: Slot): void {
    if (this.count === this.capacity) {
      this.ring[this.head] = slot;
      this.head = (this.head + 1) % this.capacity;
      this.dropped++;
    } else {
      this.ring[(this.head + this.count) % this.capacity] = slot;
      this.count++;
    }
    if (this.listeners.size === 0) return;
    const entry = entryOf(slot);
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
    const out: JournalEntry[] = [];
    for (let i = 0; i < this.count; i++) {
      const slot = this.ring[(this.head + i) % this.capacity]!;
      if ((q.since !== undefined && slot.seq <= q.since) || (q.kind !== undefined && slot.kind !== q.kind)) continue;
      const entry = entryOf(slot);
      if (q.lockId === undefined || entry.lock_id === q.lockId) out.push(entry);
    }
    return out;
  }

  /** Called with every new entry until the returned function is called. */
  subscribe(listener: (e: JournalEntry) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get size(): number {
    return this.count;
  }

  clear(): void {
    this.ring.fill(undefined);
    this.head = this.count = 0;
  }
}
