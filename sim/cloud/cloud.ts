import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { isProfileName, wireOf, type Envelope, type Outcome } from '../protocol/index.ts';
import { Compensations, DEFAULT_COMPENSATION } from './compensations.ts';
import type { CloudDeps } from './endpoint.ts';
import { fail, type Reply } from './reply.ts';
import { seededRng, type Rng } from '../random.ts';
import { ENDPOINT_SPECS } from './endpoints/index.ts';
import { EventRouter } from './events.ts';
import { FaceRateLimiter, verifyFace } from './face.ts';
import { GatewayRpc } from './gateway-rpc.ts';
import { probeGateway, type ProbeRequest, type ProbeResult } from './command-probe.ts';
import { closeServer, urlOf, waitUntil } from '../io/index.ts';
import { listen, rawEnvelopeResponse, sendEnvelope } from './http-server.ts';
import { runPipeline, type RequestState } from './pipeline.ts';
import { lockIdOf, type Journal } from './journal.ts';
import { OPENAPI_PATH, openapiDocument } from './openapi.ts';
import { CloudRules } from './rules.ts';
import { cloudDefects, seedCloud } from './seeded.ts';
import { PushSender } from './push.ts';
import { CloudStore } from './store.ts';
import { newCloudStats, recordInternalError, type CloudStats } from './stats.ts';
import type { CloudOptions } from './types.ts';

/** Default request body limit: 256 KiB (DESIGN §3.2). */
export const DEFAULT_BODY_LIMIT_BYTES = 256 * 1024;

/** Most push messages waiting per (app, lock) or (app, gateway) queue. */
const PUSH_QUEUE_MAX = 1000;

/** `desc` of outcomes whose reply names nothing more specific. */
const DEFAULT_DESC: Record<Outcome, string> = {
  ok: 'ok', bad_params: 'bad parameters', malformed_json: 'body must be JSON', bad_sign: 'sign is invalid',
  wrong_password: 'wrong password', face_too_frequent: 'face recognition too frequent', no_lock: 'lock does not exist',
  no_right: 'no right to this lock', not_bound: 'lock is not bound', expired: 'expired', face_mismatch: 'face does not match',
  unlock_failed: 'unlock failed', offline: 'lock is not online', no_gateway: 'lock has no gateway',
  pwd_write_failed: 'writing the password on the lock failed', busy: 'device busy', too_large: 'body too large',
  not_found: 'unknown path', method: 'only POST is allowed', provider_failed: 'face provider failed', internal: 'internal error',
};

/**
 * The stub of the kexin cloud's third-party HTTP API (DESIGN §3): signed JSON requests checked in
 * the contract order, commands to gateways over MQTT (§4), push delivery (§3.4) and the face
 * provider client (§5.6). World time comes from the injected clock only.
 */
export class Cloud {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;

  private constructor(
    private readonly server: Server,
    private readonly rpc: GatewayRpc,
    private readonly push: PushSender,
    private readonly closing: AbortController,
    private readonly store: CloudStore,
    readonly stats: CloudStats,
    private readonly compensations: Compensations,
    private readonly forget: () => void,
    private readonly setRng: (rng: Rng) => void,
  ) {
    this.url = urlOf(server);
  }

  /** Start a cloud: MQTT connected and subscribed, HTTP listening. */
  static async create(opts: CloudOptions): Promise<Cloud> {
    if (!isProfileName(opts.profile)) throw new TypeError(`unknown profile "${String(opts.profile)}"`);
    // Validated before anything starts: a misspelt defect stops the cloud up front.
    const seeded = cloudDefects(opts.defects);
    const stats = newCloudStats();
    const store = new CloudStore(opts.apps, opts.locks);
    const push = new PushSender({
      attempts: opts.push?.attempts ?? 3,
      backoffMs: opts.push?.backoffMs ?? 100,
      timeoutMs: opts.push?.timeoutMs ?? 1000,
      maxQueued: PUSH_QUEUE_MAX,
      stats,
      ...(opts.journal ? { journal: opts.journal } : {}),
    });
    const events = new EventRouter({ store, push, tzOffsetMin: opts.tzOffsetMin, stats });
    const closing = new AbortController();
    let rpc: GatewayRpc;
    // Bound once the RPC exists; a gateway coming back online retries the compensations owed behind it.
    let compensations: Compensations | undefined;
    try {
      rpc = await GatewayRpc.connect({
        url: opts.mqtt.url, password: opts.mqtt.password, namespace: opts.mqtt.namespace, ackTimeoutMs: opts.ackTimeoutMs, stats,
        onStatusChange: (apId, online) => {
          events.onStatusChange(apId, online);
          if (online) compensations?.onOnline(apId);
        },
        onSessionStart: (apId) => events.onSessionStart(apId),
        onEvent: (apId, ev) => events.onEvent(apId, ev),
        now: () => opts.clock.now(),
        ...(opts.journal ? { journal: opts.journal } : {}),
      });
    } catch (err) {
      await push.close();
      throw err;
    }
    compensations = new Compensations(rpc, stats, { ...DEFAULT_COMPENSATION, ...opts.compensation });
    const deps: CloudDeps = {
      clock: opts.clock, profile: opts.profile, store, rpc, stats, rules: new CloudRules(), compensations, events, rng: opts.rng ?? seededRng(0),
      faceRate: new FaceRateLimiter(opts.faceRate.max, opts.faceRate.perS),
      verifyFace: (q) => verifyFace(opts.faceProviderUrl, q, opts.faceTimeoutMs, closing.signal),
      signSkewS: opts.signSkewS, timeSyncTtlS: opts.timeSyncTtlS, tzOffsetMin: opts.tzOffsetMin,
    };
    seedCloud(seeded, { rules: deps.rules, store, rpc, faceRate: deps.faceRate, events, push });
    const bodyLimitBytes = opts.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
    const contract = JSON.stringify(openapiDocument(opts.profile));
    const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
      if (req.method === 'GET' && (req.url ?? '').split('?')[0] === OPENAPI_PATH) return serveContract(res, contract);
      const st: RequestState = { req, bodyLimitBytes, endpoints: ENDPOINT_SPECS };
      void runPipeline(st, deps)
        .catch((e: unknown): Reply => {
          recordInternalError(stats, opts.clock.now(), req.url ?? '', e);
          return fail('internal');
        })
        .then((reply) => {
          const sent = answer(res, reply, deps);
          if (opts.journal) journalExchange(opts.journal, st, sent);
        });
    };
    const badRequest = wireOf(opts.profile, 'bad_params');
    try {
      const server = await listen(opts.host ?? '127.0.0.1', opts.port ?? 0, onRequest,
        rawEnvelopeResponse(badRequest, { code: badRequest.code, desc: 'malformed HTTP request', data: null }), opts.http);
      const forget = (): void => {
        store.reset();
        deps.faceRate.reset();
        events.reset();
        compensations.clear();
      };
      return new Cloud(server, rpc, push, closing, store, stats, compensations, forget, (rng) => { deps.rng = rng; });
    } catch (err) {
      compensations.close();
      await Promise.all([rpc.close(), push.close()]);
      throw err;
    }
  }

  /** Whether the gateway's last `status` said online (DESIGN §4). */
  gatewayOnline(apId: number): boolean {
    return this.rpc.online(apId);
  }

  /** Harness lever: send a command (or raw payload) to a gateway, repeated with the same id (TEST-PLAN GWP-02, GWP-03). */
  probeGateway(apId: number, req: ProbeRequest): Promise<ProbeResult> {
    return probeGateway(this.rpc, apId, req);
  }

  /** The v2 user passwords the cloud holds for a lock, uid → password (DESIGN §3.3; V2-04 checks none is left after a failed write). */
  assignedPasswords(lockId: number): Map<number, string> {
    return new Map(this.store.passwordsOf(lockId));
  }

  /** Compensating pwd_dels still owed to locks (DESIGN §3.3; none should be left once gateways are back). */
  pendingCompensations(): number {
    return this.compensations.size;
  }

  /**
   * What the cloud still has in hand that could end in a push (DESIGN §9 `GET /quiet`): commands awaiting
   * their ack and pushes queued, being delivered or waiting out a retry's back-off (§3.4). Compensations
   * owed between their tries are not: a `pwd_del` pushes nothing, and its try in flight is a command here.
   */
  pendingWork(): string[] {
    return [...(this.rpc.idle ? [] : ['commands awaiting their ack']), ...(this.push.idle ? [] : ['pushes queued or retrying'])];
  }

  /**
   * Back to the state of `create` without restarting a server (a world reset between tests): wait until
   * no command awaits its ack and no push is queued (bounded by `timeoutMs`), then forget seqs, user
   * passwords, flags, face attempts and seen events.
   */
  async reset(timeoutMs = 5000): Promise<void> {
    await waitUntil('cloud reset: no ack awaited, no push queued', () => this.rpc.idle && this.push.idle, {
      timeoutMs, intervalMs: 5, seen: () => `still ${this.rpc.idle ? '' : 'awaiting acks '}${this.push.idle ? '' : 'delivering pushes'}`,
    });
    this.forget();
  }

  /** Draw from `rng` from now on: a reset world starts each test from that test's seed (STYLE §2). */
  reseed(rng: Rng): void {
    this.setRng(rng);
  }

  /** Stop: HTTP (keep-alive sockets too), face requests, MQTT and push delivery. */
  async close(): Promise<void> {
    this.closing.abort();
    this.compensations.close();
    await Promise.all([closeServer(this.server), this.rpc.close(), this.push.close()]);
  }
}

/** `GET /openapi.json`: the profile's own document (an extension for integrators, never an envelope). */
function serveContract(res: ServerResponse, text: string): void {
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** The answer as sent: HTTP status and envelope. */
interface Sent {
  http: number;
  envelope: Envelope;
}

function answer(res: ServerResponse, reply: Reply, deps: CloudDeps): Sent {
  deps.stats.requests++;
  const wire = wireOf(deps.profile, reply.outcome);
  const data = reply.outcome === 'ok' ? (reply.data ?? null) : null;
  // `Date` is world time: a client whose clock disagrees can see by how much (DESIGN §2; the remote target's
  // preflight reads it to say a clock is off up front).
  const headers = { Date: new Date(deps.clock.now() * 1000).toUTCString(), ...reply.headers };
  const opts = { ...(reply.close ? { close: true } : {}), headers };
  const envelope: Envelope = { code: wire.code, desc: reply.desc ?? DEFAULT_DESC[reply.outcome], data };
  sendEnvelope(res, wire, envelope, opts);
  return { http: wire.http, envelope };
}

/** One API exchange into the journal: the parsed body when there was one, else at most 512 characters of it. */
function journalExchange(journal: Journal, st: RequestState, sent: Sent): void {
  const path = (st.req.url ?? '/').split('?')[0] ?? '/';
  const request = st.body ?? (st.raw ? st.raw.subarray(0, 512).toString('utf8') : null);
  journal.add('api', `${st.req.method ?? '?'} ${path} → ${sent.http} code ${sent.envelope.code}`, { request, response: sent.envelope }, lockIdOf(st.body));
}
