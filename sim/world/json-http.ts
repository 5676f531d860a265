import type { IncomingMessage, ServerResponse } from 'node:http';
import { MAX_JSON_DEPTH, tooDeep } from '../cloud/json-depth.ts';

/** A bad request to the control API: answered 400 with `{error}`. */
export class BadInput extends Error {}

/** A control-API answer with a status other than 200 or 400 (e.g. 404 for an unknown id). */
export class ControlError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** Read a JSON object body of at most `limitBytes`, refusing larger bodies without buffering them. */
export async function readJsonObject(req: IncomingMessage, limitBytes = 64 * 1024): Promise<Record<string, unknown>> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limitBytes) throw new BadInput(`body larger than ${limitBytes} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limitBytes) throw new BadInput(`body larger than ${limitBytes} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new BadInput('body is not valid JSON');
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new BadInput('body must be a JSON object');
  // Like the API (DESIGN §3.2): a body nested 20,000 deep would later break JSON.stringify of GET /push.
  if (tooDeep(v)) throw new BadInput(`body must not nest deeper than ${MAX_JSON_DEPTH} levels`);
  return v as Record<string, unknown>;
}

/** A percent-encoded path segment, decoded; malformed encoding is bad input, not a 500. */
export function pathSegment(raw: string, what: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new BadInput(`${what} is not valid percent-encoding`);
  }
}

/** Write a JSON answer. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Bytes of text gathered before one write: a write per piece would frame a chunk per lock. */
const PIECES_WRITTEN_FROM = 64 * 1024;

/**
 * A JSON answer too large to hold as one text (`GET /world` of a fleet shard, DESIGN §13): its text in
 * pieces, made as they are sent, whose concatenation is the JSON.
 */
export class JsonPieces {
  constructor(readonly pieces: Iterable<string>) {}
}

/** Resolves when `res` can take more, or is closed (a client gone mid-answer leaves nothing waiting). */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/**
 * Write a JSON answer piece by piece (chunked): the next pieces are made only once the socket took the ones
 * before, so a reader slower than the making holds the answer at a socket's buffers, not the whole text. A
 * piece that fails after the head went out ends the response abruptly: the reader sees it cut, not a 200.
 */
export async function sendJsonPieces(res: ServerResponse, status: number, answer: JsonPieces): Promise<void> {
  res.writeHead(status, { 'content-type': 'application/json' });
  let text = '';
  try {
    for (const piece of answer.pieces) {
      text += piece;
      if (text.length < PIECES_WRITTEN_FROM) continue;
      if (res.destroyed) return;
      const more = res.write(text);
      text = '';
      if (!more) await drained(res);
    }
  } catch (e) {
    res.destroy(e as Error);
    return;
  }
  res.end(text);
}
