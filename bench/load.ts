import { Pool } from 'undici';
import { signBody, type Body } from '../sim/protocol/index.ts';
import { since } from './stats.ts';

/**
 * A keep-alive HTTP client to one origin (undici Pool, not global fetch, which manages ~2k req/s and would cap
 * every throughput figure).
 */
export class JsonClient {
  private readonly pool: Pool;

  constructor(origin: string, connections: number) {
    // One request per connection at a time: pipelining would hide the server's per-request latency.
    this.pool = new Pool(origin, { connections, pipelining: 1, keepAliveTimeout: 30_000 });
  }

  /** POST a JSON body; resolves with status and parsed JSON (null when the body is not JSON). */
  async post(path: string, body: unknown, timeoutMs = 10_000): Promise<{ status: number; json: unknown }> {
    const res = await this.pool.request({
      path, method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' },
      headersTimeout: timeoutMs, bodyTimeout: timeoutMs,
    });
    const text = await res.body.text();
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      // A non-JSON answer is reported by status; the caller counts it as a failure.
    }
    return { status: res.statusCode, json };
  }

  /** Close every connection. */
  async close(): Promise<void> {
    await this.pool.close();
  }
}

/** An app that signs kexin API bodies (DESIGN §5.1) at a fixed world time. */
export interface SigningApp {
  appId: string;
  appSecret: string;
  now: () => number;
}

/** Sign `fields` for `app`; a fresh signature per body, as a real client would compute. */
export function signed(app: SigningApp, fields: Body): Body {
  const body: Body = { app_id: app.appId, ...fields };
  body.sign = signBody(body, app.appSecret, app.now());
  return body;
}

/** Whether a kexin envelope answered ok (HTTP 200 with code 200 in either profile). */
export function envelopeOk(r: { status: number; json: unknown }): boolean {
  return r.status === 200 && typeof r.json === 'object' && r.json !== null && (r.json as { code?: unknown }).code === 200;
}

/** What a bounded load run measured. */
export interface LoadRun {
  done: number;
  failed: number;
  elapsedMs: number;
  perSecond: number;
  /** Per-request latencies (ms) of the measured requests. */
  latencies: number[];
  /** The first few distinct failure descriptions. */
  failures: string[];
}

/**
 * Run `op(i)` for i = 0…count-1 with at most `concurrency` in flight, stopping early after
 * `maxMs`; each op returns whether it succeeded (or a failure description).
 */
export async function runLoad(count: number, concurrency: number, maxMs: number, op: (i: number) => Promise<true | string>): Promise<LoadRun> {
  const latencies: number[] = [];
  const failures = new Set<string>();
  let next = 0;
  let failed = 0;
  const t0 = performance.now();
  const worker = async (): Promise<void> => {
    while (next < count && since(t0) < maxMs) {
      const i = next++;
      const s = performance.now();
      let r: true | string;
      try {
        r = await op(i);
      } catch (e) {
        r = (e as Error).message;
      }
      latencies.push(since(s));
      if (r !== true) {
        failed++;
        if (failures.size < 5) failures.add(r);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  const elapsedMs = since(t0);
  const done = latencies.length;
  return { done, failed, elapsedMs, perSecond: (done / elapsedMs) * 1000, latencies, failures: [...failures] };
}

/** Describe an answer that was not ok, for the notes. */
export function describe(r: { status: number; json: unknown }): string {
  const code = typeof r.json === 'object' && r.json !== null ? (r.json as { code?: unknown; desc?: unknown }) : {};
  return `HTTP ${r.status} code ${String(code.code)} ${String(code.desc ?? '')}`.trim();
}
