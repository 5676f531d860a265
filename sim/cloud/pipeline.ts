import type { IncomingMessage } from 'node:http';
import { PROFILES, type Body, type Endpoint } from '../protocol/index.ts';
import type { AnyEndpoint, CloudDeps } from './endpoint.ts';
import { fail, type Reply } from './reply.ts';
import { readBody } from './http-server.ts';
import { MAX_JSON_DEPTH as MAX_DEPTH, tooDeep } from './json-depth.ts';
import { lexicalView, nonIntegralNumberKeys } from './json-lexemes.ts';
import type { AppRecord, LockRecord } from './types.ts';

/** What the steps learn about one request as it goes down the pipeline. */
export interface RequestState {
  req: IncomingMessage;
  bodyLimitBytes: number;
  endpoints: ReadonlyMap<string, AnyEndpoint>;
  endpoint?: AnyEndpoint;
  raw?: Buffer;
  body?: Body;
  /** Top-level keys whose number is written with a fraction or exponent (json-lexemes.ts). */
  nonIntegral?: ReadonlySet<string>;
  app?: AppRecord;
  fields?: unknown;
  lock?: LockRecord;
}

/** One named step: a reply ends the request, undefined passes it on. */
type Step = (st: RequestState, deps: CloudDeps) => Reply | undefined | Promise<Reply | undefined>;

/** A bug in the pipeline order itself (a step ran before the one that fills what it needs). */
function need<T>(v: T | undefined, what: string): T {
  if (v === undefined) throw new Error(`pipeline step ran before ${what} was set`);
  return v;
}

function checkMethod(st: RequestState): Reply | undefined {
  if (st.req.method !== 'POST') return { ...fail('method', 'only POST is allowed'), headers: { Allow: 'POST' } };
  return undefined;
}

function checkPath(st: RequestState, deps: CloudDeps): Reply | undefined {
  const path = (st.req.url ?? '/').split('?')[0] ?? '/';
  const ep = st.endpoints.get(path);
  // DESIGN §3.1: an endpoint outside the profile answers as an unknown path.
  if (!ep || !PROFILES[deps.profile].endpoints.has(path as Endpoint)) return fail('not_found', `unknown path ${path}`);
  st.endpoint = ep;
  return undefined;
}

async function checkSize(st: RequestState, deps: CloudDeps): Promise<Reply | undefined> {
  const read = await readBody(st.req, st.bodyLimitBytes);
  if (read.ok) {
    st.raw = read.raw;
    return undefined;
  }
  if (read.reason === 'aborted') return { ...fail('bad_params', 'body was cut short'), close: true };
  deps.stats.bodyTooLarge++;
  // The unread rest of the body is never read: answer and close (DESIGN §3.2 step 1).
  return { ...fail('too_large', `body must be at most ${st.bodyLimitBytes} bytes`), close: true };
}

function parseJson(st: RequestState): Reply | undefined {
  let v: unknown;
  const text = need(st.raw, 'raw').toString('utf8');
  try {
    v = JSON.parse(text);
  } catch {
    return fail('malformed_json', 'body must be JSON');
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return fail('bad_params', 'body must be a JSON object');
  // The signature's canonical form recurses; a body nested deeper than any request needs is refused first.
  if (tooDeep(v, MAX_DEPTH)) return fail('bad_params', `body must not nest deeper than ${MAX_DEPTH} levels`);
  st.body = v as Body;
  st.nonIntegral = nonIntegralNumberKeys(text);
  return undefined;
}

function checkAuthFields(st: RequestState): Reply | undefined {
  const body = need(st.body, 'body');
  for (const name of ['app_id', 'sign']) {
    const v = body[name];
    if (typeof v !== 'string' || v.length === 0) return fail('bad_params', `${name} must be a non-empty string`);
  }
  return undefined;
}

function checkSignature(st: RequestState, deps: CloudDeps): Reply | undefined {
  const body = need(st.body, 'body');
  const app = deps.store.app(body.app_id as string);
  const exclude = deps.rules.signExclude(need(st.endpoint, 'endpoint').path);
  // An unknown app answers like a bad sign, after the same work, so app ids cannot be probed (DESIGN §3.1).
  const valid = deps.rules.signatureValid(body, body.sign as string, app?.appSecret ?? '', deps.clock.now(), deps.signSkewS, exclude);
  if (!app || !valid) return fail('bad_sign', 'sign is invalid or app_id is unknown');
  st.app = app;
  return undefined;
}

function checkFields(st: RequestState, deps: CloudDeps): Reply | undefined {
  // DESIGN §3.2 step 4: floats are 400 even when integral (`1000001.0`): decided from the JSON text.
  const r = need(st.endpoint, 'endpoint').fields(lexicalView(need(st.body, 'body'), st.nonIntegral ?? new Set()), deps);
  if (!r.ok) return fail(r.outcome ?? 'bad_params', r.desc);
  st.fields = r.value;
  return undefined;
}

function findLock(st: RequestState, deps: CloudDeps): Reply | undefined {
  const ep = need(st.endpoint, 'endpoint');
  const key = ep.lockKey(st.fields);
  const lock = 'lockId' in key ? deps.store.lock(key.lockId) : deps.store.lockByMac(key.mac);
  if (!lock || lock.isDel) return deps.rules.unknownLock(ep.path, key);
  st.lock = lock;
  return undefined;
}

function checkCorp(st: RequestState, deps: CloudDeps): Reply | undefined {
  if (!deps.rules.mayUse(need(st.app, 'app'), need(st.lock, 'lock'))) return fail('no_right', 'this app has no right to this lock');
  return undefined;
}

function handle(st: RequestState, deps: CloudDeps): Promise<Reply> {
  return need(st.endpoint, 'endpoint').handle({ fields: st.fields, lock: need(st.lock, 'lock'), app: need(st.app, 'app') }, deps);
}

/** DESIGN §3.2 as an ordered list: the first step that replies decides the answer. */
export const PIPELINE: readonly Step[] = [
  checkMethod, checkPath, checkSize, parseJson, checkAuthFields, checkSignature, checkFields, findLock, checkCorp, handle,
];

/** Run a request down the pipeline. */
export async function runPipeline(st: RequestState, deps: CloudDeps): Promise<Reply> {
  for (const step of PIPELINE) {
    const reply = await step(st, deps);
    if (reply) return reply;
  }
  throw new Error('the last pipeline step must reply');
}
