/**
 * The station's HTTP server (`--station`): the page, its Server-Sent Events stream (push: a page that joins
 * late gets every event so far, then each as it happens) and one write — an operator's "done". Loopback by
 * default; another host only when given. Bodies are bounded before they are buffered.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eventLine, redactDeep, type StationEvent } from './events.ts';
import { stationPage } from './page.ts';

/** An answer is `{"answer":"done"}`; anything longer is refused before it is read whole. */
const ANSWER_MAX_BYTES = 256;
/** Events kept for a page that opens late; the oldest wire entries go first past it. */
const HISTORY_MAX = 20_000;

export interface StationServerOptions {
  host: string;
  /** 0: a free port. */
  port: number;
  /** Values never sent (the events are redacted again on the way out). */
  secrets: readonly string[];
  /** An operator pressed "done" on prompt `promptId`. */
  onAnswer: (promptId: string) => void;
}

export class StationServer {
  private readonly history: string[] = [];
  private readonly clients = new Set<ServerResponse>();
  private readonly open = new Set<string>();
  private timeline = '<!doctype html><p>No wire entries yet.</p>';

  private constructor(private readonly server: Server, private readonly opts: StationServerOptions) {}

  static async start(opts: StationServerOptions): Promise<StationServer> {
    const station = new StationServer(createServer(), opts);
    station.server.on('request', (req, res) => station.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      station.server.once('error', reject);
      station.server.listen(opts.port, opts.host, () => resolve());
    });
    return station;
  }

  get url(): string {
    const a = this.server.address() as AddressInfo;
    return `http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}/`;
  }

  /** Send `e` to every page, and keep it for pages that open later. */
  publish(e: StationEvent): void {
    if (e.type === 'prompt') this.open.add(e.promptId);
    if (e.type === 'prompt-end') this.open.delete(e.promptId);
    const data = `data: ${eventLine(e, this.opts.secrets)}\n`;
    this.history.push(data);
    if (this.history.length > HISTORY_MAX) this.history.splice(0, this.history.length - HISTORY_MAX);
    for (const c of this.clients) c.write(data);
  }

  /** The current test's wire timeline (a whole page, served at `/timeline`, redacted like the events). */
  setTimeline(html: string): void {
    this.timeline = redactDeep(html, this.opts.secrets) as string;
  }

  async close(): Promise<void> {
    for (const c of this.clients) c.end();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(stationPage());
    } else if (req.method === 'GET' && path === '/timeline') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(this.timeline);
    } else if (req.method === 'GET' && path === '/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      for (const data of this.history) res.write(data);
      this.clients.add(res);
      req.on('close', () => this.clients.delete(res));
    } else if (req.method === 'POST' && path?.startsWith('/answer/')) {
      this.answer(decodeURIComponent(path.slice('/answer/'.length)), req, res);
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    }
  }

  private answer(promptId: string, req: IncomingMessage, res: ServerResponse): void {
    if (Number(req.headers['content-length'] ?? 0) > ANSWER_MAX_BYTES) {
      res.writeHead(413, { 'content-type': 'text/plain', connection: 'close' }).end(`body: at most ${ANSWER_MAX_BYTES} bytes\n`);
      req.destroy();
      return;
    }
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > ANSWER_MAX_BYTES) {
        res.writeHead(413, { 'content-type': 'text/plain', connection: 'close' }).end(`body: at most ${ANSWER_MAX_BYTES} bytes\n`);
        req.destroy();
      }
    });
    req.on('end', () => {
      if (res.headersSent) return;
      if (!this.open.has(promptId)) {
        res.writeHead(409, { 'content-type': 'text/plain' }).end(`prompt "${promptId}" is not waiting for an answer\n`);
        return;
      }
      this.opts.onAnswer(promptId);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"answer":"done"}\n');
    });
  }
}
