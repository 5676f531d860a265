import { request, type Dispatcher } from 'undici';
import { unsignedFields, type Body, type Envelope } from '../../sim/protocol/index.ts';
import { kexinJsonHour, type Signer } from './signer.ts';
import type { WireLog } from './wire-log.ts';

/** Who signs: the app's id and secret and its scheme (default DESIGN §5.1 `kexin-json-hour`). */
export interface SigningApp {
  appId: string;
  appSecret: string;
  signer?: Signer;
}

/** What to change from a correctly signed body (the negative checks of TEST-PLAN SIGN, SEC). */
export interface SignOptions {
  /** Send this `sign` instead of computing it (or `null` to send none). */
  sign?: string | null;
  /** Fields excluded from the signed content (default: the path's `unsignedFields`, DESIGN §5.1). */
  exclude?: readonly string[];
  /** Fields changed after signing (tampering). */
  tamper?: Body;
  /** Omit `app_id` (it is added by default). */
  noAppId?: boolean;
}

/**
 * The body as it is sent to `path`: `app_id` added and signed at unix time `at` (DESIGN §5.1). The
 * one place a harness request is signed; `at` is read only when a sign is computed.
 */
export async function signedBody(app: SigningApp, path: string, fields: Body, at: () => number | Promise<number>, o: SignOptions = {}): Promise<Body> {
  const body: Body = o.noAppId ? { ...fields } : { app_id: app.appId, ...fields };
  if (o.sign === undefined) body.sign = (app.signer ?? kexinJsonHour).sign(body, app.appSecret, await at(), o.exclude ?? unsignedFields(path));
  else if (o.sign !== null) body.sign = o.sign;
  return { ...body, ...(o.tamper ?? {}) };
}

/** Longest request or answer body shown whole in the wire log (bytes or chars). */
const SHOWN_MAX = 2048;

/** The wire log's entry for one HTTP exchange of the API (the same for every caller). */
export function logExchange(wire: WireLog | undefined, method: string, path: string, status: number, envelope: Envelope<unknown> | null, sent: Buffer, text: string): void {
  wire?.add('http', `${method} ${path} → ${status} ${envelope ? `code ${envelope.code}` : 'not an envelope'}`, {
    method, path, status,
    request: sent.length <= SHOWN_MAX ? safeJson(sent) : `«${sent.length} bytes»`,
    response: text.length <= SHOWN_MAX ? safeJson(text) : `«${text.length} chars»`,
  });
}

/** An envelope parsed from an answer's text, or null when it is not a JSON object. */
export function envelopeOf<D>(text: string): Envelope<D> | null {
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Envelope<D>) : null;
  } catch {
    return null;
  }
}

/** Where and how a harness-side signed POST goes (outside Playwright's request context). */
export interface SignedPostTarget {
  /** The API's base URL (`http://127.0.0.1:8080`). */
  apiUrl: string;
  app: SigningApp;
  /** The unix time signatures are checked against (world time on sim and lab, real time elsewhere). */
  now: () => number | Promise<number>;
  /** Real ms each of the answer's headers and body may take. */
  timeoutMs: number;
  /** The test's traffic log; none for the harness's own settling between tests. */
  wire?: WireLog;
  dispatcher?: Dispatcher;
}

export interface SignedAnswer<D> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  envelope: Envelope<D> | null;
}

/** POST a signed body to `path` and read the answer without judging it; the exchange goes to the wire log. */
export async function postSigned<D = Record<string, unknown>>(to: SignedPostTarget, path: string, fields: Body, o: SignOptions = {}): Promise<SignedAnswer<D>> {
  const sent = Buffer.from(JSON.stringify(await signedBody(to.app, path, fields, to.now, o)));
  const res = await request(new URL(path, to.apiUrl), {
    method: 'POST', body: sent, headers: { 'content-type': 'application/json' }, dispatcher: to.dispatcher,
    headersTimeout: to.timeoutMs, bodyTimeout: to.timeoutMs,
  });
  const text = await res.body.text();
  const envelope = envelopeOf<D>(text);
  logExchange(to.wire, 'POST', path, res.statusCode, envelope, sent, text);
  return { status: res.statusCode, headers: res.headers, text, envelope };
}

function safeJson(text: string | Buffer): unknown {
  try {
    return JSON.parse(text.toString());
  } catch {
    return text.toString().slice(0, 512);
  }
}
