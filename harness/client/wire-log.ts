/** One entry of a test's wire log: an HTTP exchange, an MQTT message, a push, a serial frame or a control call. */
export interface WireEntry {
  /** Real milliseconds since the log was created (transport time, not world time). */
  ms: number;
  /** World time when the entry was recorded, unix seconds (DESIGN §2), when the target has a world clock. */
  world?: number;
  kind: 'http' | 'control' | 'mqtt' | 'push' | 'serial';
  summary: string;
  detail?: unknown;
}

/** What the log header says about the run, so a failure can be replayed (STYLE §2). */
export interface WireHeader {
  test?: string;
  /** `LOCKBENCH_SEED` of the run. */
  seed?: number;
  target?: string;
}

const SECRET_KEYS = /secret/i;

/** World time as shown in logs and diagrams: ISO UTC with milliseconds. */
export function worldTimeText(unix: number): string {
  return Number.isFinite(unix) && Math.abs(unix) < 8.64e12 ? new Date(unix * 1000).toISOString() : String(unix);
}

/** Every exchange of one test, in order; attached to the report when the test fails. */
export class WireLog {
  private readonly t0 = performance.now();
  /** Real time the log started, as epoch ms: the anchor of every entry's `ms` (transport timing). */
  readonly startedAt = Date.now();
  readonly entries: WireEntry[] = [];
  readonly header: WireHeader = {};
  private worldNow: (() => number) | undefined;
  /** Entries dropped from the front once `limit` was reached. */
  dropped = 0;

  constructor(private readonly limit = 5000) {}

  /** Where world time comes from (the target's clock); without it entries carry real time only. */
  useWorldClock(now: () => number): void {
    this.worldNow = now;
  }

  /** Record one exchange (secrets are redacted, the log is bounded). */
  add(kind: WireEntry['kind'], summary: string, detail?: unknown): void {
    if (this.entries.length >= this.limit) {
      this.entries.shift();
      this.dropped++;
    }
    let world: number | undefined;
    try {
      world = this.worldNow?.();
    } catch {
      // A clock that can no longer be read (world closing) leaves the entry with real time only.
      world = undefined;
    }
    const entry: WireEntry = { ms: Math.round((performance.now() - this.t0) * 10) / 10, kind, summary, detail: redact(detail) };
    if (world !== undefined) entry.world = world;
    this.entries.push(entry);
  }

  /** A readable text rendering: a header naming the seed, then one exchange per block with real and world time. */
  toText(): string {
    const h = this.header;
    const head = [
      `# lockbench wire log${h.test ? ` — ${h.test}` : ''}`,
      `# seed ${h.seed ?? '(none)'}${h.seed !== undefined ? ` (replay: LOCKBENCH_SEED=${h.seed})` : ''}${h.target ? ` · target ${h.target}` : ''}`,
      `# real time from ${new Date(this.startedAt).toISOString()} (+ms), world time W in UTC; ${this.entries.length} entries${this.dropped ? `, ${this.dropped} oldest dropped` : ''}`,
    ];
    const lines = this.entries.map((e) => {
      const w = e.world === undefined ? '' : ` W ${worldTimeText(e.world)}`;
      return `[+${e.ms.toFixed(1).padStart(8)} ms${w}] ${e.kind.padEnd(7)} ${e.summary}${e.detail === undefined ? '' : `\n    ${JSON.stringify(e.detail)}`}`;
    });
    return [...head, ...lines].join('\n');
  }

  /** The entries as JSON (the sequence diagram's input). */
  toJSON(): { header: WireHeader; startedAt: number; dropped: number; entries: WireEntry[] } {
    return { header: this.header, startedAt: this.startedAt, dropped: this.dropped, entries: this.entries };
  }
}

function redact(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(redact);
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, SECRET_KEYS.test(k) ? '«redacted»' : redact(x)]));
}
