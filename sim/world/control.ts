import { UINT32_MAX } from '../protocol/index.ts';
import { lockIdOf } from '../cloud/journal.ts';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { boundedServer, type HttpLimits } from '../cloud/http-server.ts';
import { closeServer, listenOn, urlOf } from '../io/index.ts';
import type { WorldParts } from './world-parts.ts';
import { BadInput, ControlError, JsonPieces, pathSegment, readJsonObject, sendJson, sendJsonPieces } from './json-http.ts';
import { lockBleUnlock, lockKeypad, lockKnobs, lockTimeSync, lockView } from './control-locks.ts';
import { journalView } from './control-journal.ts';
import { gatewayRatesView, injectedView, rateOf, setGatewayRates } from './control-faults.ts';
import { dropGateway, gatewayMqtt, holdCommand, probe, releaseCommands, resetWorld } from './control-gateways.ts';
import { quietRoute } from './quiet.ts';

type Handler = (world: WorldParts, body: Record<string, unknown>, params: string[], query: URLSearchParams) => unknown | Promise<unknown>;

const num = (body: Record<string, unknown>, key: string, ok: (n: number) => boolean, hint: string): number => {
  const v = body[key];
  if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) throw new BadInput(`${key} must be ${hint}`);
  return v;
};

/**
 * World time stays a uint32 of unix seconds (DESIGN §2, §6: every lock time on a wire is one), so a
 * `set` or `advance` that would leave that range is refused naming the field, before anything moves.
 */
const MAX_WORLD_TIME_S = UINT32_MAX;
/** Fastest running clock (× real time); a faster one would leave the uint32 range within the hour. */
const MAX_RATE = 1e6;

function setClock(world: WorldParts, body: Record<string, unknown>): unknown {
  const c = world.clock;
  const room = MAX_WORLD_TIME_S - c.now();
  if ('advance' in body) c.advance(num(body, 'advance', (n) => n >= 0 && n <= room, `a number of seconds in 0…${Math.floor(room)} (world time stays ≤ ${MAX_WORLD_TIME_S})`));
  else if ('set' in body) c.set(num(body, 'set', (n) => n >= 0 && n <= MAX_WORLD_TIME_S, `a unix time in 0…${MAX_WORLD_TIME_S}`));
  else if (body.mode === 'running') c.run(body.rate === undefined ? 1 : num(body, 'rate', (n) => n > 0 && n <= MAX_RATE, `a number in (0, ${MAX_RATE}]`));
  else if (body.mode === 'frozen') c.freeze();
  else throw new BadInput('body must have "advance", "set", or "mode": "running"|"frozen"');
  return { time: c.now(), mode: c.mode };
}

function gatewayOf(world: WorldParts, id: string | undefined) {
  const gw = world.gateways.get(Number(id));
  if (!gw && world.externalGateways.has(Number(id))) throw new ControlError(404, `gateway ${id} connects by itself: it has no knobs here`);
  if (!gw) throw new ControlError(404, `no gateway ${id}`);
  return gw;
}

async function setGateway(world: WorldParts, body: Record<string, unknown>, [id]: string[]): Promise<unknown> {
  const gw = gatewayOf(world, id);
  const known = ['online', 'partitioned', 'latency_ms', 'drop_rate', 'crash', 'redeliver_next', 'reboot'];
  for (const k of Object.keys(body)) if (!known.includes(k)) throw new BadInput(`${k} is not a gateway knob (${known.join(', ')})`);
  if ('online' in body && typeof body.online !== 'boolean') throw new BadInput('online must be a boolean');
  if ('partitioned' in body && typeof body.partitioned !== 'boolean') throw new BadInput('partitioned must be a boolean');
  if ('latency_ms' in body && typeof body.latency_ms !== 'object') gw.latencyMs = num(body, 'latency_ms', (n) => n >= 0 && n <= 60000, 'a number of ms in 0…60000 or {"mean": ms, "jitter": ms}');
  setGatewayRates(world, gw, body);
  if (typeof body.partitioned === 'boolean') gw.partitioned = body.partitioned;
  if ('crash' in body && body.crash !== true) throw new BadInput('crash must be true');
  if ('reboot' in body && body.reboot !== true) throw new BadInput('reboot must be true');
  if ('redeliver_next' in body) gw.redeliverNext = num(body, 'redeliver_next', (n) => Number.isInteger(n) && n >= 0 && n <= 100, 'an integer in 0…100');
  if (typeof body.online === 'boolean') await gw.setOnline(body.online);
  // Extension: an abrupt loss (no DISCONNECT), so the broker publishes the gateway's will; it stays down until {"online": true}.
  if (body.crash === true) gw.kill(false);
  // Extension: a power cycle — will, then back online with event ids from 1 (DESIGN §3.4, TEST-PLAN GWP-04).
  if (body.reboot === true) await gw.reboot();
  return { ap_id: gw.apId, online: gw.online, partitioned: gw.partitioned, latency_ms: gw.latencyMs, ...gatewayRatesView(gw) };
}

/**
 * `GET /world` (DESIGN §8), sent as it is made: a fleet shard's quarter million locks were ~265 B each of one
 * text held whole. The bytes are those of the whole object's `JSON.stringify`; a lock is read as its piece is
 * made, so a clock moved during a slow read shows in the locks read after it.
 */
function worldView(world: WorldParts): JsonPieces {
  return new JsonPieces(worldPieces(world));
}

function* worldPieces(world: WorldParts): Generator<string> {
  const head = JSON.stringify({ time: world.clock.now(), mode: world.clock.mode });
  yield `${head.slice(0, -1)},"locks":[`;
  let first = true;
  // Snapshots, not lock objects: a lock nobody used stays data (DESIGN §13).
  for (const s of world.locks.snapshots()) {
    const ap = world.apOf.get(s.lock_id);
    const gw = ap === undefined ? undefined : world.gateways.get(ap);
    const lock = {
      lock_id: s.lock_id, online: s.reachable && !!gw?.online && !gw.partitioned, battery_pct: s.battery_pct,
      low_voltage: s.low_voltage, is_abnormal: s.is_abnormal, lock_time: s.lock_time, ap_id: ap ?? null,
    };
    yield `${first ? '' : ','}${JSON.stringify(lock)}`;
    first = false;
  }
  const gateways = [
    ...[...world.gateways.values()].map((g) => ({ ap_id: g.apId, online: g.online })),
    ...[...world.externalGateways].map((apId) => ({ ap_id: apId, online: world.cloud?.gatewayOnline(apId) ?? false, external: true })),
  ];
  yield `],"gateways":${JSON.stringify(gateways)}}`;
}

/** `{"fail_next": n, "status"}` fails the next n deliveries; `{"fail_rate": p, "status"}` a drawn share of them (default status 500, 503). */
function pushFaults(world: WorldParts, body: Record<string, unknown>): unknown {
  for (const k of Object.keys(body)) if (!['fail_next', 'fail_rate', 'status'].includes(k)) throw new BadInput(`${k} is not a push fault (fail_next, fail_rate, status)`);
  if (!('fail_next' in body) && !('fail_rate' in body)) throw new BadInput('body must have "fail_next" or "fail_rate"');
  const status = (dflt: number): number => body.status === undefined ? dflt : num(body, 'status', (n) => Number.isInteger(n) && n >= 300 && n <= 599, 'an HTTP status in 300…599');
  const answer: Record<string, number> = {};
  if ('fail_next' in body) {
    const count = num(body, 'fail_next', (n) => Number.isInteger(n) && n >= 0 && n <= 1000, 'an integer in 0…1000');
    world.sink.failDeliveries(count, status(500));
    Object.assign(answer, { fail_next: count, status: status(500) });
  }
  if ('fail_rate' in body) {
    const rate = rateOf(body.fail_rate, 'fail_rate');
    world.sink.failShare(rate, status(503), world.seed);
    Object.assign(answer, { fail_rate: rate, status: status(503) });
  }
  return answer;
}

function stats(world: WorldParts): unknown {
  return {
    broker: world.broker?.stats ?? null,
    // Per client (username): refusals with reasons, protocol errors, drops (TEST-PLAN GWP-06); embedded broker only.
    clients: world.broker?.clientRecords() ?? null,
    // Refused CONNECTs of clients that never authenticated, apart from the records above and bounded (DESIGN §4 security).
    strangers: world.broker?.strangers() ?? null,
    cloud: world.cloud?.stats ?? null,
    // DESIGN §13: with `--gateways none` the fleet is elsewhere; this is how many of its gateways the cloud sees online.
    gateways_online_at_cloud: world.cloud ? world.fixture.gateways.filter((g) => world.cloud!.gatewayOnline(g.ap_id)).length : null,
    gateways: Object.fromEntries([...world.gateways].map(([id, g]) => [id, g.stats])),
    sink: world.sink.stats,
    // What the fault rates injected (control-faults.ts): same seed and traffic, same counts.
    injected: injectedView(world),
  };
}

/** DESIGN §8 routes, plus `/push/faults`, `/stats`, `/quiet`, the gateway levers, `/reset` and the sink's `/sink/{app_id}` (extensions). */
const ROUTES: [string, RegExp, Handler][] = [
  ['GET', /^\/world$/, worldView],
  ['POST', /^\/clock$/, setClock],
  ['GET', /^\/locks\/(\d+)$/, (w, _b, [id]) => lockView(w, id)],
  ['POST', /^\/locks\/(\d+)$/, (w, b, [id]) => lockKnobs(w, b, id)],
  ['POST', /^\/locks\/(\d+)\/keypad$/, (w, b, [id]) => lockKeypad(w, b, id)],
  ['POST', /^\/locks\/(\d+)\/ble\/time_sync$/, (w, b, [id]) => lockTimeSync(w, b, id)],
  ['POST', /^\/locks\/(\d+)\/ble\/unlock$/, (w, b, [id]) => lockBleUnlock(w, b, id)],
  ['POST', /^\/gateways\/(\d+)$/, setGateway],
  ['GET', /^\/gateways\/(\d+)\/mqtt$/, (w, _b, [id]) => gatewayMqtt(w, id)],
  ['POST', /^\/gateways\/(\d+)\/drop$/, (w, _b, [id]) => dropGateway(w, id)],
  ['POST', /^\/gateways\/(\d+)\/probe$/, (w, b, [id]) => probe(w, b, id)],
  ['POST', /^\/gateways\/(\d+)\/hold$/, (w, b, [id]) => holdCommand(w, b, id)],
  ['POST', /^\/gateways\/(\d+)\/release$/, (w, _b, [id]) => releaseCommands(w, id)],
  ['POST', /^\/reset$/, (w) => resetWorld(w)],
  ['GET', /^\/push$/, (w) => w.sink.list()],
  ['DELETE', /^\/push$/, (w) => { w.sink.clear(); return {}; }],
  ['POST', /^\/push\/faults$/, pushFaults],
  ['GET', /^\/stats$/, stats],
  ['GET', /^\/quiet$/, (w, _b, _p, q) => quietRoute(w, q)],
  ['GET', /^\/journal$/, (w, _b, _p, q) => journalView(w, q)],
  ['DELETE', /^\/journal$/, (w) => { w.journal.clear(); return {}; }],
];

/** The lock a `/locks/{id}…` path names. */
const lockOfPath = (path: string): number | undefined => {
  const m = /^\/locks\/(\d+)/.exec(path);
  return m ? Number(m[1]) : undefined;
};

/** Reads of the journal itself are not journaled: a client polling it would fill the ring with its own polls. */
const UNJOURNALED = /^\/journal$/;

/** The control API of a world (DESIGN §8) on its own HTTP server. */
export class ControlServer {
  private constructor(private readonly server: Server, readonly url: string) {}

  /** `http`: connection cap and socket timeouts, as the API's (DESIGN §2). */
  static async create(world: WorldParts, opts: { host: string; port: number; http?: Partial<HttpLimits> }): Promise<ControlServer> {
    const server = boundedServer((req, res) => void ControlServer.handle(world, req, res), opts.http);
    await listenOn(server, opts.port, opts.host);
    return new ControlServer(server, urlOf(server));
  }

  private static async handle(world: WorldParts, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const [path = '/', search = ''] = (req.url ?? '/').split('?');
    let body: Record<string, unknown> | undefined;
    const reply = (status: number, answer: unknown): void => {
      if (answer instanceof JsonPieces) void sendJsonPieces(res, status, answer);
      else sendJson(res, status, answer);
      if (UNJOURNALED.test(path)) return;
      // A read's answer (a whole push list, the stats) is left out: copying it on every poll would cost more than the read.
      const detail = req.method === 'GET' && status === 200 ? undefined : { request: body ?? null, response: answer };
      world.journal.add('control', `${req.method} ${path} → ${status}`, detail, lockOfPath(path) ?? lockIdOf(body));
    };
    try {
      const sink = /^\/sink\/([^/]+)$/.exec(path);
      if (sink && req.method === 'POST') {
        const appId = pathSegment(sink[1]!, 'the app id in /sink/{app_id}');
        body = await readJsonObject(req, 256 * 1024);
        const status = world.sink.deliver(appId, body);
        return reply(status, { ok: status === 200 });
      }
      const matches = ROUTES.filter(([, re]) => re.test(path));
      if (matches.length === 0) return reply(404, { error: `no route ${path}` });
      const route = matches.find(([m]) => m === req.method);
      if (!route) return reply(405, { error: `${req.method} not allowed on ${path}` });
      const params = route[1].exec(path)!.slice(1);
      body = req.method === 'POST' ? await readJsonObject(req) : {};
      reply(200, await route[2](world, body, params, new URLSearchParams(search)));
    } catch (e) {
      if (e instanceof BadInput || e instanceof RangeError) return reply(400, { error: e.message });
      if (e instanceof ControlError) return reply(e.status, { error: e.message });
      reply(500, { error: e instanceof Error ? e.message : String(e) });
    }
  }

  async close(): Promise<void> {
    await closeServer(this.server);
  }
}
