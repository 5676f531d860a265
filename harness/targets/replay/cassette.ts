/**
 * A cassette: every API exchange a recorded run of the suite had with a cloud, per test, in the order sent
 * (docs/cli.md §8 "Record and replay"). Written so that re-recording an unchanged cloud gives the
 * same bytes: no wall-clock time, no URL or port, tests in sorted order, fields in a fixed order, volatile parts
 * in their declared form (volatile.ts). Pure: parsing and printing only.
 */
import type { IncomingAnswer, OutgoingRequest } from '../../client/api-client.ts';
import { normalise, type Minter } from './volatile.ts';

/** The format this code writes and reads; a cassette of another format is refused by name. */
export const CASSETTE_FORMAT = 'lockbench-cassette/1';

/** One request and its answer, both with their volatile parts normalised. */
export interface Exchange {
  method: string;
  path: string;
  /** Headers the spec set beyond the default content type (ENV checks); absent when none. */
  headers?: Record<string, string>;
  /** The body as JSON when it parses, else its text (a malformed body a negative check sends), else `{bytes_base64}`. */
  request: unknown;
  status: number;
  content_type: string;
  /** The answer as JSON when its text is exactly that JSON printed compactly, else its text. */
  answer: unknown;
  /** Set when `answer` is the raw text (not JSON, or JSON printed another way). */
  answer_is_text?: true;
}

export interface Cassette {
  format: typeof CASSETTE_FORMAT;
  profile: string;
  /** LOCKBENCH_SEED of the recorded run: replay uses it, so the specs' seeded draws (ENV-05) are the same. */
  seed: number;
  app_id: string;
  lock_id: number;
  /** Test (file › titles) → its exchanges in the order sent. */
  tests: Record<string, Exchange[]>;
}

/** The request part of an exchange in cassette form (replay matches on exactly this). */
export function requestOf(req: OutgoingRequest, minter?: Minter): Pick<Exchange, 'method' | 'path' | 'headers' | 'request'> {
  const text = req.body.toString('utf8');
  // Bytes that are not UTF-8 (ENV-05's random octets) are kept exactly, as base64.
  let request: unknown = Buffer.from(text, 'utf8').equals(req.body) ? text : { bytes_base64: req.body.toString('base64') };
  try {
    request = normalise(JSON.parse(text), minter, false);
  } catch {
    // Not JSON: a malformed body sent on purpose is matched as its text.
  }
  return { method: req.method, path: req.path, ...(Object.keys(req.headers).length ? { headers: sortedObject(req.headers) } : {}), request };
}

/** The whole exchange in cassette form, minting the answer's values first (their real values never reach a file). */
export function exchangeOf(req: OutgoingRequest, ans: IncomingAnswer, minter: Minter): Exchange {
  const request = requestOf(req, minter);
  let parsed: unknown;
  try {
    parsed = JSON.parse(ans.text);
  } catch {
    parsed = undefined;
  }
  const asJson = parsed !== undefined && JSON.stringify(parsed) === ans.text;
  return {
    ...request,
    status: ans.status,
    content_type: ans.contentType,
    answer: asJson ? normalise(parsed, minter, true) : ans.text,
    ...(asJson ? {} : { answer_is_text: true as const }),
  };
}

/** The answer a replayed client reads for a recorded exchange. */
export function answerOf(x: Exchange): IncomingAnswer {
  return { status: x.status, contentType: x.content_type, text: x.answer_is_text ? String(x.answer) : JSON.stringify(x.answer) };
}

/** The cassette's bytes: tests sorted, two-space JSON, one trailing newline. */
export function printCassette(c: Cassette): string {
  const tests = Object.fromEntries(Object.keys(c.tests).sort().map((k) => [k, c.tests[k]!]));
  return `${JSON.stringify({ format: c.format, profile: c.profile, seed: c.seed, app_id: c.app_id, lock_id: c.lock_id, tests }, null, 2)}\n`;
}

/** A cassette read from `text`, or the first problem, naming the JSON path (`$.tests["x"][2].status`). */
export function parseCassette(text: string): { ok: true; cassette: Cassette } | { ok: false; error: string } {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `not JSON: ${(e as Error).message}` };
  }
  const fail = (path: string, want: string) => ({ ok: false as const, error: `${path} must be ${want}` });
  if (!isObject(v)) return fail('$', 'an object');
  if (v.format !== CASSETTE_FORMAT) return fail('$.format', `"${CASSETTE_FORMAT}" (got ${JSON.stringify(v.format)})`);
  if (typeof v.profile !== 'string') return fail('$.profile', 'a string');
  if (!Number.isInteger(v.seed) || (v.seed as number) < 0) return fail('$.seed', 'a seed (an integer ≥ 0)');
  if (typeof v.app_id !== 'string') return fail('$.app_id', 'a string');
  if (!Number.isInteger(v.lock_id)) return fail('$.lock_id', 'a lock id (an integer)');
  if (!isObject(v.tests)) return fail('$.tests', 'an object of test → exchanges');
  for (const [name, list] of Object.entries(v.tests)) {
    const at = `$.tests[${JSON.stringify(name)}]`;
    if (!Array.isArray(list)) return fail(at, 'an array of exchanges');
    for (const [i, x] of list.entries()) {
      const p = `${at}[${i}]`;
      if (!isObject(x)) return fail(p, 'an exchange object');
      if (typeof x.method !== 'string') return fail(`${p}.method`, 'a string');
      if (typeof x.path !== 'string') return fail(`${p}.path`, 'a string');
      if (!Number.isInteger(x.status)) return fail(`${p}.status`, 'an HTTP status (an integer)');
      if (typeof x.content_type !== 'string') return fail(`${p}.content_type`, 'a string');
      if (!('request' in x)) return fail(`${p}.request`, 'present');
      if (!('answer' in x)) return fail(`${p}.answer`, 'present');
    }
  }
  return { ok: true, cassette: v as unknown as Cassette };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function sortedObject(o: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.keys(o).sort().map((k) => [k.toLowerCase(), o[k]!]));
}
