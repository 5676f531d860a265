import type { APIRequestContext } from '@playwright/test';
import type { Body, Envelope, ProfileName } from '../../sim/protocol/index.ts';
import { envelopeOf, logExchange, signedBody, type SignOptions } from './signed.ts';
import type { Signer } from './signer.ts';
import type { WireLog } from './wire-log.ts';

/** One answer of the API, with what is needed to judge it against a profile. */
export interface ApiResponse<D = Record<string, unknown>> {
  path: string;
  status: number;
  contentType: string;
  /** The parsed envelope, or null when the body was not a JSON object. */
  envelope: Envelope<D> | null;
  text: string;
  profile: ProfileName;
}

export interface ClientOptions {
  appId: string;
  appSecret: string;
  profile: ProfileName;
  signer: Signer;
  /** The time the target's signatures are checked against: world time on sim, real time elsewhere. */
  now: () => Promise<number>;
  wire?: WireLog;
  /** The record/replay edge (docs/cli.md §8): sees every exchange; default: straight to the target. */
  exchange?: ExchangeHook;
}

/** One request as it leaves the client, before any transport sees it. */
export interface OutgoingRequest {
  method: 'POST' | 'GET' | 'PUT' | 'DELETE';
  path: string;
  /** Headers the caller set beyond the default `content-type: application/json`. */
  headers: Record<string, string>;
  body: Buffer;
}

/** An answer as the client reads it. */
export interface IncomingAnswer {
  status: number;
  contentType: string;
  text: string;
}

/**
 * Wraps the one send of the client: a recorder passes the request on and keeps the exchange, a replayer answers
 * from a cassette without calling `send` (harness/targets/replay).
 */
export type ExchangeHook = (req: OutgoingRequest, send: (req: OutgoingRequest) => Promise<IncomingAnswer>) => Promise<IncomingAnswer>;

/** Options of one raw request: what to change from a correctly signed request. */
export interface SendOptions extends SignOptions {
  /** Sign at this unix time instead of now. */
  signAt?: number;
  /** Send this exact body text instead of JSON. */
  rawBody?: string | Buffer;
  method?: 'POST' | 'GET' | 'PUT' | 'DELETE';
  headers?: Record<string, string>;
}

const passThrough: ExchangeHook = (req, send) => send(req);

/** A typed, signing client for the 11 endpoints of DESIGN §3.3 over Playwright's APIRequestContext. */
export class ApiClient {
  constructor(private readonly ctx: APIRequestContext, readonly opts: ClientOptions) {}

  /** The body as it would be sent: `app_id` added and signed at `t`. */
  signedBody(path: string, fields: Body, o: SendOptions = {}): Promise<Body> {
    return signedBody(this.opts, path, fields, () => o.signAt ?? this.opts.now(), o);
  }

  /** Send one request (signed unless told otherwise) and read the answer without judging it. */
  async send<D = Record<string, unknown>>(path: string, fields: Body = {}, o: SendOptions = {}): Promise<ApiResponse<D>> {
    // Always bytes: Playwright JSON-encodes a string body sent as application/json, which would turn malformed JSON valid.
    const body = Buffer.from(o.rawBody ?? JSON.stringify(await this.signedBody(path, fields, o)));
    const req: OutgoingRequest = { method: o.method ?? 'POST', path, headers: o.headers ?? {}, body };
    const { status, contentType, text } = await (this.opts.exchange ?? passThrough)(req, (r) => this.fetch(r));
    const envelope = envelopeOf<D>(text);
    logExchange(this.opts.wire, req.method, path, status, envelope, body, text);
    return { path, status, contentType, envelope, text, profile: this.opts.profile };
  }

  private async fetch(req: OutgoingRequest): Promise<IncomingAnswer> {
    const res = await this.ctx.fetch(req.path, {
      method: req.method,
      headers: { 'content-type': 'application/json', ...req.headers },
      data: req.method === 'GET' ? undefined : req.body,
      failOnStatusCode: false,
      maxRedirects: 0,
    });
    return { status: res.status(), contentType: res.headers()['content-type'] ?? '', text: await res.text() };
  }

  lockGet(lock_id: unknown, o?: SendOptions) { return this.send('/third/lock/get', { lock_id }, o); }
  byMac(mac: unknown, o?: SendOptions) { return this.send('/third/lock/by_mac/get', { mac }, o); }
  open(lock_id: unknown, attach: unknown = '', o?: SendOptions) { return this.send<null>('/third/lock/open', { lock_id, attach }, o); }
  openFace(f: { lock_id: unknown; name: unknown; id_num: unknown; img_code: unknown }, o?: SendOptions) {
    return this.send<null>('/third/lock/open/face', f, o);
  }
  stateGet(lock_id: unknown, o?: SendOptions) {
    return this.send<{ lock_id: number; online: boolean; is_abnormal: boolean; low_voltage: boolean }>('/third/lock/state/get', { lock_id }, o);
  }
  pwdGet(lock_id: unknown, effective_at: unknown, expire: unknown = 300, o?: SendOptions) {
    return this.send<{ password: string }>('/third/lock/pwd/get', { lock_id, effective_at, expire }, o);
  }
  seqGet(lock_id: unknown, o?: SendOptions) {
    return this.send<{ seq: number; key1: number; key2: number }>('/third/lock/time_sync/seq/get', { lock_id }, o);
  }
  seqResult(lock_id: unknown, seq: unknown, state: unknown, o?: SendOptions) {
    return this.send<null>('/third/lock/time_sync/result', { lock_id, seq, state }, o);
  }
  v2PwdGet(lock_id: unknown, uid: unknown, effective_at: unknown, expire: unknown, o?: SendOptions) {
    return this.send<{ password: string }>('/third/v2/lock/pwd/get', { lock_id, uid, effective_at, expire }, o);
  }
  v2PwdDel(lock_id: unknown, uid: unknown, o?: SendOptions) { return this.send<null>('/third/v2/lock/pwd/del', { lock_id, uid }, o); }
  v2Open(lock_id: unknown, password: unknown, o?: SendOptions) { return this.send<null>('/third/v2/lock/open', { lock_id, password }, o); }
}
