import { Agent, request } from 'undici';
import type { WireLog } from '../../client/wire-log.ts';

/** Keep-alive connections to control APIs on loopback, shared by every test of the worker. */
const agent = new Agent({ keepAliveTimeout: 10_000, connections: 8 });

/** The simulator's control API (DESIGN §8), every call recorded in the test's wire log. */
export class ControlClient {
  constructor(private readonly base: string, private readonly wire: WireLog) {}

  /** One call; a non-200 answer is a bug in the harness or the world, so it throws with the answer. */
  async call<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
    const res = await request(`${this.base}${path}`, {
      method,
      dispatcher: agent,
      body: body === undefined ? undefined : JSON.stringify(body),
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      headersTimeout: 10_000,
      bodyTimeout: 10_000,
    });
    const text = await res.body.text();
    const parsed: unknown = text ? JSON.parse(text) : null;
    this.wire.add('control', `${method} ${path} → ${res.statusCode}`, body === undefined ? parsed : { request: body, response: parsed });
    if (res.statusCode !== 200) throw new Error(`control ${method} ${path} answered ${res.statusCode}: ${text}`);
    return parsed as T;
  }
}
