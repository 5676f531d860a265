import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { listenOn } from '../io/index.ts';
import type { Envelope, Wire } from '../protocol/index.ts';

/** A request body, or why none could be had. */
export type BodyRead = { ok: true; raw: Buffer } | { ok: false; reason: 'too_large' | 'aborted' };

/**
 * Read a request body of at most `limitBytes` (DESIGN §3.2 step 1). A declared Content-Length over
 * the limit is refused before reading a byte; a streamed body is counted and reading stops at the
 * first byte over the limit, so the rest is never buffered.
 */
export function readBody(req: IncomingMessage, limitBytes: number): Promise<BodyRead> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) {
    req.pause();
    return Promise.resolve({ ok: false, reason: 'too_large' });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (r: BodyRead): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onAbort);
      req.off('close', onAbort);
      resolve(r);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limitBytes) {
        req.pause();
        finish({ ok: false, reason: 'too_large' });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => finish({ ok: true, raw: Buffer.concat(chunks, size) });
    const onAbort = (): void => finish({ ok: false, reason: 'aborted' });
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onAbort);
    req.on('close', onAbort);
  });
}

/** How a reply is sent besides its envelope. */
export interface SendOptions {
  /** Close the connection once the answer is flushed (the 413 path: the unread rest is never read). */
  close?: boolean;
  headers?: Record<string, string>;
}

/** Write the envelope with the profile's HTTP status and `Content-Type: application/json` (DESIGN §3). */
export function sendEnvelope(res: ServerResponse, wire: Wire, envelope: Envelope, opts: SendOptions = {}): void {
  if (res.headersSent || res.destroyed) return;
  const body = JSON.stringify(envelope);
  res.statusCode = wire.http;
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  for (const [k, v] of Object.entries(opts.headers ?? {})) res.setHeader(k, v);
  if (opts.close) {
    res.setHeader('Connection', 'close');
    res.end(body, () => res.socket?.destroy());
    return;
  }
  res.end(body);
}

/** A raw HTTP/1.1 answer carrying an envelope, for sockets the HTTP parser gave up on. */
export function rawEnvelopeResponse(wire: Wire, envelope: Envelope): string {
  const body = JSON.stringify(envelope);
  return `HTTP/1.1 ${wire.http} -\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
}

/**
 * Bounds of an HTTP listener (DESIGN §2: transport timing is real time, configurable). Node's own
 * defaults keep a silent socket 60–90 s and a stalled body 300 s; ours reap them in seconds.
 */
export interface HttpLimits {
  /** Most connections at once; more are refused at accept. Default 1024. */
  maxConnections: number;
  /** Real-time ms from connection (or the previous request) until the request's headers are complete. Default 5000. */
  headersTimeoutMs: number;
  /** Real-time ms until the whole request (headers and body) has arrived. Default 10000. */
  requestTimeoutMs: number;
  /** Real-time ms an idle keep-alive connection is kept. Default 5000. */
  keepAliveTimeoutMs: number;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = { maxConnections: 1024, headersTimeoutMs: 5000, requestTimeoutMs: 10_000, keepAliveTimeoutMs: 5000 };

/** A node:http server (Nagle off) with the given bounds. */
export function boundedServer(handler: (req: IncomingMessage, res: ServerResponse) => void, limits: Partial<HttpLimits> = {}): Server {
  const l = { ...DEFAULT_HTTP_LIMITS, ...limits };
  // Node checks header/request timeouts every connectionsCheckingInterval (default 30 s): check often enough to honour them.
  const checkMs = Math.max(50, Math.min(1000, Math.floor(Math.min(l.headersTimeoutMs, l.requestTimeoutMs) / 4)));
  const server = createServer({
    noDelay: true, headersTimeout: l.headersTimeoutMs, requestTimeout: l.requestTimeoutMs,
    keepAliveTimeout: l.keepAliveTimeoutMs, connectionsCheckingInterval: checkMs,
  }, handler);
  server.maxConnections = l.maxConnections;
  // Node's headersTimeout starts with the first byte: a socket that never sends one is reaped here.
  server.on('connection', (socket: Socket) => {
    const timer = setTimeout(() => socket.destroy(), l.headersTimeoutMs);
    timer.unref();
    socket.once('data', () => clearTimeout(timer));
    socket.once('close', () => clearTimeout(timer));
  });
  // With a clientError listener Node leaves a timed-out socket open: close it (no answer is owed to a stalled client).
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') socket.destroy();
  });
  return server;
}

/** Start a bounded node:http server on host:port whose unparseable requests get `clientErrorAnswer`. */
export function listen(
  host: string, port: number, handler: (req: IncomingMessage, res: ServerResponse) => void, clientErrorAnswer: string,
  limits: Partial<HttpLimits> = {},
): Promise<Server> {
  const server = boundedServer(handler, limits);
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    // Garbage on the wire is refused with an envelope, never fatal (preamble: malformed input is refused).
    if (err.code !== 'ECONNRESET' && socket.writable) socket.end(clientErrorAnswer, () => socket.destroy());
    else socket.destroy();
  });
  return listenOn(server, port, host);
}
