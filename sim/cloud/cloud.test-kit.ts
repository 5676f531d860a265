/**
 * Test kit of the cloud's unit tests (not a test file itself): an aedes broker on loopback, a fake
 * gateway that answers commands as a test says, a push receiver, fixtures and a signed client.
 */
import { createHash } from 'node:crypto';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { Socket } from 'node:net';
import { Aedes } from 'aedes';
import type { MqttClient } from 'mqtt';
import { closeServer, connectMqtt, listenOn, noDelayServer, urlOf, waitUntil } from '../io/index.ts';
import { request } from 'undici';
import { WorldClock } from '../clock/index.ts';
import {
  gatewayTopic, parseCommand, signBody, unsignedFields, type Body, type Command, type LockEvent, type LockResult,
} from '../protocol/index.ts';
import { Cloud } from './cloud.ts';
import type { AppRecord, CloudOptions, LockRecord } from './types.ts';

export const START = 1_700_000_000;
export const APP_ID = 'app_test';
export const APP_SECRET = 'a0cc195a3034c6de34c9dfccf765117b';
export const AP = 1000002;
/** Bound, behind gateway AP, corp 0, one face member. */
export const LOCK = 1000001;
/** Bound, behind gateway AP, corp 0. */
export const LOCK2 = 1000003;
export const LOCK_NO_AP = 1000004;
export const LOCK_UNBOUND = 1000005;
export const LOCK_OTHER_CORP = 1000006;
export const LOCK_DELETED = 1000007;
export const FACE_IMAGE = Buffer.from('a picture of 张三');
export const MEMBER = { uid: 100001, name: '张三', idNum: '110101199003074477', faceSha256: createHash('sha256').update(FACE_IMAGE).digest('hex') };

/** `waitUntil` in the argument order of the cloud's tests (default 2000 ms). */
export async function waitFor(cond: () => boolean, what: string, timeoutMs = 2000): Promise<void> {
  await waitUntil(what, cond, { timeoutMs });
}

/** An aedes broker without auth on 127.0.0.1 (Nagle off); `drop` cuts the connections of clients whose id starts with a prefix. */
export async function startBroker(): Promise<{ url: string; drop(idPrefix: string): void; close(): Promise<void> }> {
  const broker = await Aedes.createBroker();
  const clients = new Map<string, Socket>();
  broker.on('client', (c) => clients.set(c.id, c.conn as Socket));
  broker.on('clientDisconnect', (c) => clients.delete(c.id));
  const sockets = new Set<Socket>();
  const server = noDelayServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    broker.handle(s);
  });
  await listenOn(server, 0, '127.0.0.1');
  return {
    url: urlOf(server, 'mqtt'),
    drop: (idPrefix) => {
      for (const [id, conn] of clients) if (id.startsWith(idPrefix)) conn.destroy();
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
      await new Promise<void>((r) => broker.close(() => r()));
    },
  };
}

/** What a fake gateway answers to a command: an ack result (+data), or null for no ack at all. */
export type FakeAnswer = { result: LockResult; data?: Record<string, unknown> } | null;

/** A gateway client that records commands and answers them through `answer` (default: ok). */
export class FakeGateway {
  readonly commands: Command[] = [];
  answer: (cmd: Command) => FakeAnswer | Promise<FakeAnswer> = (cmd) =>
    cmd.op === 'state' ? { result: 'ok', data: { is_abnormal: false, low_voltage: false, battery_pct: 80, lock_time: START } } : { result: 'ok' };
  private eventId = 0;

  private constructor(readonly apId: number, private readonly client: MqttClient) {}

  /** Connect, publish retained `{online:true}` (will: retained offline) and subscribe to `cmd`. */
  static async start(brokerUrl: string, apId = AP): Promise<FakeGateway> {
    const client = await connectMqtt(brokerUrl, {
      protocolVersion: 4, username: `gw:${apId}`, password: 'gw-secret', reconnectPeriod: 0,
      will: { topic: gatewayTopic(apId, 'status', ''), payload: Buffer.from('{"online":false}'), qos: 1, retain: true },
    });
    const gw = new FakeGateway(apId, client);
    client.on('message', (_t, payload) => void gw.onCmd(payload));
    await client.subscribeAsync(gatewayTopic(apId, 'cmd', ''), { qos: 1 });
    await client.publishAsync(gatewayTopic(apId, 'status', ''), '{"online":true}', { qos: 1, retain: true });
    return gw;
  }

  /** Hold every ack until `release` (then answer held and later commands with `a`). */
  hold(a: FakeAnswer = { result: 'ok' }): { release(): void } {
    const held: (() => void)[] = [];
    let released = false;
    this.answer = () => (released ? a : new Promise((r) => held.push(() => r(a))));
    return {
      release: () => {
        released = true;
        for (const r of held.splice(0)) r();
      },
    };
  }

  /** Publish a status (retained, as a real gateway does). */
  async status(online: boolean): Promise<void> {
    await this.client.publishAsync(gatewayTopic(this.apId, 'status', ''), JSON.stringify({ online }), { qos: 1, retain: true });
  }

  /** Publish an event; `eventId` defaults to the next one. */
  async event(ev: LockEvent & { event_id?: number }): Promise<number> {
    const event_id = ev.event_id ?? ++this.eventId;
    await this.client.publishAsync(gatewayTopic(this.apId, 'event', ''), JSON.stringify({ ...ev, event_id }), { qos: 1 });
    return event_id;
  }

  /** Publish raw bytes on one of this gateway's topics. */
  async raw(kind: 'status' | 'ack' | 'event', payload: string | Buffer): Promise<void> {
    await this.client.publishAsync(gatewayTopic(this.apId, kind, ''), payload, { qos: 1 });
  }

  /** Drop the connection without a word, so the broker publishes the will (DESIGN §4 LWT). */
  async kill(): Promise<void> {
    (this.client.stream as unknown as Socket).destroy();
    await this.client.endAsync(true);
  }

  /** Disconnect cleanly (publishing offline first, as DESIGN §4 says). */
  async stop(): Promise<void> {
    if (this.client.connected) await this.status(false);
    await this.client.endAsync(true);
  }

  private async onCmd(payload: Buffer): Promise<void> {
    const c = parseCommand(payload);
    if (!c.ok) return;
    this.commands.push(c.value);
    const a = await this.answer(c.value);
    if (a === null || !this.client.connected) return;
    const ack = { id: c.value.id, lock_id: c.value.lock_id, result: a.result, data: a.data ?? {} };
    this.client.publish(gatewayTopic(this.apId, 'ack', ''), JSON.stringify(ack), { qos: 1 });
  }
}

function lock(lockId: number, over: Partial<LockRecord> = {}): LockRecord {
  return {
    lockId, mac: `72:00:03:16:7D:${(lockId % 256).toString(16).padStart(2, '0').toUpperCase()}`, secretHex: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
    corpId: 0, name: '', descr: '', master: { name: 'xiao ming', tel: '13591951888' }, deviceVer: 'ver', firmwareVer: '',
    isInit: true, isBind: true, isDel: false, initAt: '2016-09-26T15:23:35+08:00', bindAt: '2016-09-08T15:20:03+08:00',
    seqStart: 1, members: [], apId: AP, ...over,
  };
}

/** The locks every test world has (see the constants above). */
export function testLocks(): LockRecord[] {
  return [
    lock(LOCK, { members: [MEMBER] }),
    lock(LOCK2, { secretHex: '0f1e2d3c4b5a69788796a5b4c3d2e1f0', seqStart: 51459843 }),
    lock(LOCK_NO_AP, { apId: null }),
    lock(LOCK_UNBOUND, { isBind: false }),
    lock(LOCK_OTHER_CORP, { corpId: 7 }),
    lock(LOCK_DELETED, { isDel: true }),
  ];
}

/** The test apps: app_test (corp 0) and app_other (corp 7). */
export function testApps(pushUrl: string | null = null): AppRecord[] {
  return [
    { appId: APP_ID, appSecret: APP_SECRET, corpIds: [0], pushUrl },
    { appId: 'app_other', appSecret: 'other-secret', corpIds: [7], pushUrl: null },
  ];
}

/** A running test world: broker, cloud, a fake gateway for AP, the frozen world clock. */
export interface TestWorld {
  clock: WorldClock;
  cloud: Cloud;
  gw: FakeGateway;
  brokerUrl: string;
  /** Cut the connections of broker clients whose id starts with a prefix (`cloud-`: the cloud's). */
  dropBrokerClient(idPrefix: string): void;
  /** POST a body signed at the current world time (unless `sign` is given; img_code excluded on open/face) to a path. */
  call(path: string, body: Body, opts?: { sign?: string | null; secret?: string; at?: number; exclude?: string[] }): Promise<Answer>;
  close(): Promise<void>;
}

export interface Answer {
  status: number;
  contentType: string | null;
  body: { code: number; desc: string; data: Record<string, unknown> | null };
}

/** Start a test world; `over` replaces cloud options. */
export async function startWorld(over: Partial<CloudOptions> = {}): Promise<TestWorld> {
  const clock = new WorldClock(START);
  const broker = await startBroker();
  const gw = await FakeGateway.start(broker.url);
  let cloud: Cloud;
  try {
    cloud = await Cloud.create({
      clock, profile: 'kexin-2017-03', signSkewS: 300, ackTimeoutMs: 2000, timeSyncTtlS: 300,
      faceRate: { max: 3, perS: 60 }, faceProviderUrl: 'http://127.0.0.1:9', faceTimeoutMs: 300, tzOffsetMin: 480,
      apps: testApps(), locks: testLocks(), mqtt: { url: broker.url, password: 'cloud-secret' },
      push: { attempts: 3, backoffMs: 20, timeoutMs: 500 }, ...over,
    });
  } catch (err) {
    await gw.stop();
    await broker.close();
    throw err;
  }
  await waitFor(() => cloud.gatewayOnline(AP), 'the gateway to be online');
  const call: TestWorld['call'] = async (path, body, opts = {}) => {
    const sign = opts.sign === undefined ? signBody(body, opts.secret ?? APP_SECRET, opts.at ?? clock.now(), opts.exclude ?? unsignedFields(path)) : opts.sign;
    const full = sign === null ? body : { ...body, sign };
    return post(cloud.url + path, JSON.stringify(full));
  };
  return {
    clock, cloud, gw, brokerUrl: broker.url, call, dropBrokerClient: broker.drop,
    close: async () => {
      await cloud.close();
      await gw.stop().catch(() => undefined);
      await broker.close();
    },
  };
}

/**
 * POST (or another method) raw text and read the envelope. Uses undici's `request`: nock (face
 * tests) passes it through to 127.0.0.1, where it breaks `fetch` POSTs with a body.
 */
export async function post(url: string, text: string | Buffer, method = 'POST'): Promise<Answer> {
  const res = await request(url, {
    method: method as 'POST', body: method === 'GET' ? null : text, headers: { 'content-type': 'application/json' },
    headersTimeout: 3000, bodyTimeout: 3000,
  });
  const ct = res.headers['content-type'];
  return { status: res.statusCode, contentType: typeof ct === 'string' ? ct : null, body: (await res.body.json()) as Answer['body'] };
}

/** A push receiver: records bodies in arrival order; `statuses` are answered first, then 200. */
export async function startPushReceiver(statuses: number[] = []): Promise<{ url: string; bodies: unknown[]; hits: number; close(): Promise<void> }> {
  const state = { url: '', bodies: [] as unknown[], hits: 0, close: async () => undefined as void };
  const server: HttpServer = createHttpServer({ noDelay: true }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      state.hits++;
      const status = statuses.shift() ?? 200;
      if (status === 200) state.bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      res.writeHead(status).end();
    });
  });
  await listenOn(server, 0, '127.0.0.1');
  state.url = `${urlOf(server)}/push`;
  state.close = () => closeServer(server);
  return state;
}

/** Run `fn` against a fresh test world, closing it whatever happens. */
export async function withWorld(fn: (w: TestWorld) => Promise<void>): Promise<void> {
  const w = await startWorld();
  try {
    await fn(w);
  } finally {
    await w.close();
  }
}
