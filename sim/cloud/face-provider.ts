import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { closeServer, urlOf } from '../io/index.ts';
import { listen, readBody } from './http-server.ts';

/** Largest request the built-in provider reads (a 100 KiB image in base64 fits). */
const PROVIDER_BODY_LIMIT = 512 * 1024;

function answer(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * The built-in face provider (DESIGN §5.6) on 127.0.0.1, any free port: `POST /verify` answers
 * `{similarity: 99}` when the SHA-256 of the decoded image is the face of the member with that
 * `id_num`, else `{similarity: 10}`.
 */
export async function startBuiltinFaceProvider(
  members: { idNum: string; faceSha256: string }[],
): Promise<{ url: string; close(): Promise<void> }> {
  const faces = new Map<string, string[]>();
  for (const m of members) faces.set(m.idNum.toUpperCase(), [...(faces.get(m.idNum.toUpperCase()) ?? []), m.faceSha256.toLowerCase()]);
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'POST' || new URL(req.url ?? '/', 'http://x').pathname !== '/verify') return answer(res, 404, { error: 'not found' });
    const read = await readBody(req, PROVIDER_BODY_LIMIT);
    if (!read.ok) return answer(res, 413, { error: 'body too large' });
    let q: { id_num?: unknown; image_base64?: unknown };
    try {
      q = JSON.parse(read.raw.toString('utf8')) ?? {};
    } catch {
      return answer(res, 400, { error: 'body must be JSON' });
    }
    if (typeof q.id_num !== 'string' || typeof q.image_base64 !== 'string') return answer(res, 400, { error: 'id_num and image_base64 are required' });
    const sha = createHash('sha256').update(Buffer.from(q.image_base64, 'base64')).digest('hex');
    const match = (faces.get(q.id_num.toUpperCase()) ?? []).includes(sha);
    answer(res, 200, { similarity: match ? 99 : 10 });
  };
  const server = await listen('127.0.0.1', 0, (req, res) => void handle(req, res), 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  return { url: urlOf(server), close: () => closeServer(server) };
}
