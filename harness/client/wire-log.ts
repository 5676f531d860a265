/** One entry of a test's wire log: an HTTP exchange, an MQTT message, a push or a serial frame. */
export interface WireEntry {
  /** Real milliseconds since the log was created (transport time, not world time). */
  ms: number;
  kind: 'http' | 'control' | 'mqtt' | 'push' | 'serial';
  summary: string;
  detail?: unknown;
}

const SECRET_KEYS = /secret/i;

/** Every exchange of one test, in order; attached to the report when the test fails. */
export class WireLog {
  private readonly t0 = performance.now();
  readonly entries: WireEntry[] = [];

  constructor(private readonly limit = 5000) {}

  /** Record one exchange (secrets are redacted, the log is bounded). */
  add(kind: WireEntry['kind'], summary: string, detail?: unknown): void {
    if (this.entries.length >= this.limit) this.entries.shift();
    this.entries.push({ ms: Math.round((performance.now() - this.t0) * 10) / 10, kind, summary, detail: redact(detail) });
  }

  /** A readable text rendering, one exchange per block. */
  toText(): string {
    return this.entries
      .map((e) => `[${e.ms.toFixed(1).padStart(8)} ms] ${e.kind.padEnd(7)} ${e.summary}${e.detail === undefined ? '' : `\n    ${JSON.stringify(e.detail)}`}`)
      .join('\n');
  }
}

function redact(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(redact);
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, SECRET_KEYS.test(k) ? '«redacted»' : redact(x)]));
}
