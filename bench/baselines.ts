import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { Socket } from 'node:net';
import { Aedes } from 'aedes';
import type { MqttClient } from 'mqtt';
import { listenOn, mqttClient, noDelayServer, urlOf } from '../sim/io/index.ts';
import { JsonClient, runLoad, type LoadRun } from './load.ts';

/** A loopback HTTP server that answers every POST with its own body (the raw HTTP baseline). */
export class EchoServer {
  private readonly sockets = new Set<Socket>();

  private constructor(private readonly server: HttpServer, readonly url: string) {
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  /** Listen on 127.0.0.1, any port, Nagle off. */
  static async start(): Promise<EchoServer> {
    const server = createHttpServer({ noDelay: true, keepAliveTimeout: 30_000 }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
        res.end(body);
      });
    });
    await listenOn(server, 0, '127.0.0.1');
    return new EchoServer(server, urlOf(server));
  }

  /** Stop listening and drop open keep-alive connections. */
  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

/** A body about the size of a signed open request, so both sides move similar bytes. */
export const ECHO_BODY = { app_id: 'app_test', lock_id: 1000001, attach: '', sign: '0123456789abcdef0123456789abcdef' };

/** Sequential POST echo RTTs over one keep-alive connection. */
export async function httpEchoRtt(count: number, maxMs: number): Promise<LoadRun> {
  const echo = await EchoServer.start();
  const client = new JsonClient(echo.url, 1);
  try {
    await runLoad(Math.min(500, count), 1, maxMs, async () => ((await client.post('/echo', ECHO_BODY)).status === 200 ? true : 'echo failed'));
    return await runLoad(count, 1, maxMs, async () => ((await client.post('/echo', ECHO_BODY)).status === 200 ? true : 'echo failed'));
  } finally {
    await client.close();
    await echo.close();
  }
}

/** POST echo throughput at `concurrency` keep-alive connections. */
export async function httpEchoThroughput(count: number, concurrency: number, maxMs: number): Promise<LoadRun> {
  const echo = await EchoServer.start();
  const client = new JsonClient(echo.url, concurrency);
  try {
    await runLoad(Math.min(2000, count), concurrency, maxMs, async () => ((await client.post('/echo', ECHO_BODY)).status === 200 ? true : 'echo failed'));
    return await runLoad(count, concurrency, maxMs, async () => ((await client.post('/echo', ECHO_BODY)).status === 200 ? true : 'echo failed'));
  } finally {
    await client.close();
    await echo.close();
  }
}

async function connected(url: string, clientId: string): Promise<MqttClient> {
  const client = mqttClient(url, { protocolVersion: 4, clientId, reconnectPeriod: 0, connectTimeout: 5000 });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  return client;
}

/**
 * Sequential QoS 1 request/reply RTTs through a plain aedes (no auth, Nagle off both ends): a
 * requester publishes on `req`, a responder answers on `rep`, as the cloud and a gateway do (DESIGN §4).
 */
export async function mqttRequestReplyRtt(count: number, maxMs: number): Promise<LoadRun> {
  const aedes = await Aedes.createBroker();
  const sockets = new Set<Socket>();
  const server = await listenOn(noDelayServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    aedes.handle(s);
  }), 0, '127.0.0.1');
  const url = urlOf(server, 'mqtt');
  const clients: MqttClient[] = [];
  try {
    const requester = await connected(url, 'bench-requester');
    clients.push(requester);
    const responder = await connected(url, 'bench-responder');
    clients.push(responder);
    await responder.subscribeAsync('bench/req', { qos: 1 });
    await requester.subscribeAsync('bench/rep', { qos: 1 });
    responder.on('message', (_t, payload) => void responder.publish('bench/rep', payload, { qos: 1 }));
    const waiting = new Map<string, () => void>();
    requester.on('message', (_t, payload) => {
      const id = payload.toString('utf8');
      waiting.get(id)?.();
      waiting.delete(id);
    });
    let seq = 0;
    const once = (): Promise<true | string> => new Promise((resolve) => {
      const id = `{"id":"${++seq}"}`;
      const timer = setTimeout(() => {
        waiting.delete(id);
        resolve('mqtt reply timed out');
      }, 2000);
      waiting.set(id, () => {
        clearTimeout(timer);
        resolve(true);
      });
      requester.publish('bench/req', id, { qos: 1 });
    });
    await runLoad(Math.min(500, count), 1, maxMs, once);
    return await runLoad(count, 1, maxMs, once);
  } finally {
    await Promise.all(clients.map((c) => c.endAsync(true).catch(() => undefined)));
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
    await new Promise<void>((r) => aedes.close(() => r()));
  }
}
