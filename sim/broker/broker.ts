import type { Server, Socket } from 'node:net';
import { Aedes, type AuthenticateError, type Client, type ConnectPacket } from 'aedes';
import aedesPersistence from 'aedes-persistence';
import { listenOn, noDelayServer } from '../io/index.ts';
import { roomDefects } from '../defects.ts';
import { withRetainedIndex } from './retained-store.ts';
import {
  CONNACK_CODE, authenticate, authorizeClientId, authorizePublish, authorizeSubscribe, identityKey, type AclConfig, type Identity,
} from './acl.ts';
import { ClientIdBindings } from './client-ids.ts';
import { GuardedStream } from './guarded-stream.ts';
import { DEFAULT_PACKET_LIMITS, type PacketLimits } from './packet-guard.ts';
import { ClientRecords, type ClientRecord } from './client-records.ts';
import { malformedReason } from './malformed.ts';
import type { StrangerView } from './strangers.ts';

export type { ClientRecord } from './client-records.ts';
export type { StrangerView } from './strangers.ts';

// A CommonJS module whose whole export is the factory; its .d.ts declares it as `default`.
const memoryPersistence = aedesPersistence as unknown as () => object;

export interface BrokerOptions {
  /** Interface to bind; default '127.0.0.1' (loopback only). */
  host?: string;
  /** TCP port; default 0 (any free port). */
  port?: number;
  /** Password of username `cloud`. */
  cloudPassword: string;
  /** Secret of username `gw:{ap_id}`, or undefined for an unknown gateway. */
  gatewaySecret: (apId: number) => string | undefined;
  /** Seeded defects (`sim/defects.ts`; other rooms' names ignored, unknown ones refused); default none. */
  defects?: readonly string[];
  /** Packet size bounds by who is talking (packet-guard.ts); defaults 1 KiB pre-auth, 8 KiB gateway, 256 KiB cloud. */
  packetLimits?: Partial<PacketLimits>;
  /** Real-time ms a connection may take to complete CONNECT before it is dropped; default 3000. */
  connectTimeoutMs?: number;
  /** Most TCP connections at once on the listener; default 16384 (a fleet's gateways plus headroom, under the fd limit). */
  maxConnections?: number;
  /** Most connections at once that have not authenticated yet; more are cut at once; default 256. */
  maxPendingConnections?: number;
  /** Answer an address's repeated failed CONNECTs later and later (strangers.ts); default true. Tests of volume turn it off. */
  slowStrangers?: boolean;
}

/** Defaults of the broker's bounds (BrokerOptions). */
export const DEFAULT_CONNECT_TIMEOUT_MS = 3000;
export const DEFAULT_MAX_CONNECTIONS = 16384;
export const DEFAULT_MAX_PENDING_CONNECTIONS = 256;

/** Refusals and connections, for tests and the control API. */
export interface BrokerStats {
  refusedConnect: number;
  refusedPublish: number;
  refusedSubscribe: number;
  /** Connections cut for a packet over its size bound (or a first packet that is not CONNECT). */
  cutOversize: number;
  /** Connections cut because too many were still unauthenticated. */
  cutPending: number;
  /** Authenticated clients connected now. */
  readonly clients: number;
}

type Counts = Omit<BrokerStats, 'clients'>;
/** A will or publish packet as a record keeps it. */
function seen(p: { topic: string; payload: Buffer | string; qos?: number; retain?: boolean }): { topic: string; payload: string; qos: number; retain: boolean } {
  return { topic: p.topic, payload: Buffer.isBuffer(p.payload) ? p.payload.toString('utf8') : String(p.payload), qos: p.qos ?? 0, retain: p.retain === true };
}

function refusal(code: number, message: string): AuthenticateError {
  return Object.assign(new Error(message), { returnCode: code }) as AuthenticateError;
}

/** The simulator's MQTT 3.1.1 broker: aedes on TCP with gateway authentication and ACL (DESIGN §4). */
export class Broker {
  readonly url: string;
  readonly port: number;
  readonly stats: BrokerStats;
  private readonly sockets = new Set<Socket>();
  private closing: Promise<void> | null = null;
  /** Connections that have not authenticated yet. */
  private pending = 0;

  private constructor(
    private readonly aedes: Aedes,
    private readonly server: Server,
    host: string,
    port: number,
    counts: Counts,
    limits: { packet: PacketLimits; maxPending: number },
    guards: WeakMap<object, GuardedStream>,
    addresses: WeakMap<object, string>,
    private readonly records: ClientRecords,
    private readonly live: Map<string, Set<Client>>,
  ) {
    this.port = port;
    this.url = `mqtt://${host.includes(':') ? `[${host}]` : host}:${port}`;
    this.stats = Object.defineProperty(counts, 'clients', { get: () => aedes.connectedClients, enumerable: true }) as BrokerStats;
    const cut = (): void => void counts.cutOversize++;
    // Closures here are per connection (a fleet has thousands): few, unnamed, and none kept past authentication.
    server.on('connection', (socket) => {
      // DESIGN §4 security: unauthenticated clients may not hold many sockets nor make aedes buffer much.
      if (this.pending >= limits.maxPending) {
        counts.cutPending++;
        socket.destroy();
        return;
      }
      this.sockets.add(socket);
      this.pending++;
      const stream = new GuardedStream(socket, limits.packet.preAuthMaxBytes, cut);
      guards.set(stream, stream);
      addresses.set(stream, socket.remoteAddress ?? '?');
      stream.once('authenticated', () => this.settle(stream));
      socket.on('close', () => {
        this.sockets.delete(socket);
        this.settle(stream);
      });
      aedes.handle(stream);
    });
  }

  /** A connection authenticated or closed: it no longer counts as pending (once, whichever comes first). */
  private settle(stream: GuardedStream): void {
    if (!stream.pendingAuth) return;
    stream.pendingAuth = false;
    this.pending--;
  }

  /** Start a broker listening on `host:port`; resolves once it accepts connections. */
  static async create(opts: BrokerOptions): Promise<Broker> {
    const cfg: AclConfig = { cloudPassword: opts.cloudPassword, gatewaySecret: opts.gatewaySecret, defects: roomDefects('broker', opts.defects) };
    const counts: Counts = { refusedConnect: 0, refusedPublish: 0, refusedSubscribe: 0, cutOversize: 0, cutPending: 0 };
    const packet: PacketLimits = { ...DEFAULT_PACKET_LIMITS, ...opts.packetLimits };
    const guards = new WeakMap<object, GuardedStream>();
    // The peer address of each connection (its stream), for the strangers' records and slow-down (strangers.ts).
    const addresses = new WeakMap<object, string>();
    const records = new ClientRecords();
    // Who each connection said it was, for the per-client records (TEST-PLAN GWP-06), and who is connected.
    const usernames = new WeakMap<Client, string>();
    const live = new Map<string, Set<Client>>();
    const identities = new WeakMap<Client, Identity>();
    const wills = new WeakMap<Client, ConnectPacket['will']>();
    // Whom each client id belongs to, connected or not, so another identity cannot take it over (acl.ts authorizeClientId).
    const bindings = new ClientIdBindings();

    const aedes = await Aedes.createBroker({
      connectTimeout: opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      // Retained lookups by exact topic, not a scan per subscribe: start-up linear in gateways (retained-store.ts).
      persistence: withRetainedIndex(memoryPersistence()),
      preConnect(client, packet, done) {
        wills.set(client, packet.will);
        done(null, true);
      },
      authenticate(client, username, password, done) {
        const will = wills.get(client);
        const result = authenticate({ username, password, will: will && { topic: will.topic, retain: will.retain === true } }, cfg);
        if (username !== undefined) usernames.set(client, username);
        const address = addresses.get(client.conn) ?? '?';
        if (!result.ok) {
          counts.refusedConnect++;
          const answer = (): void => done(refusal(CONNACK_CODE[result.refusal], `connection refused: ${result.refusal}`), false);
          // Without valid credentials the offered name proves nothing (DESIGN §4): kept apart, and an
          // address that keeps failing is answered later (strangers.ts).
          if (result.refusal === 'bad_credentials' || result.refusal === 'anonymous') {
            const delayMs = records.strangers.refuse(username, address, result.refusal);
            return void (delayMs > 0 && opts.slowStrangers !== false ? setTimeout(answer, delayMs) : answer());
          }
          records.refuse(username, 'connect', result.refusal);
          return answer();
        }
        records.strangers.authenticated(address);
        if (!authorizeClientId(result.identity, client.id, bindings.ownerOf(client.id))) {
          records.refuse(username, 'connect', `client_id_taken ${client.id}`);
          counts.refusedConnect++;
          return done(refusal(CONNACK_CODE.client_id_taken, 'connection refused: client_id_taken'), false);
        }
        bindings.bind(client.id, identityKey(result.identity));
        identities.set(client, result.identity);
        const stream = guards.get(client.conn);
        stream?.guard.setLimit(result.identity.kind === 'cloud' ? packet.cloudMaxBytes : packet.gatewayMaxBytes);
        stream?.emit('authenticated');
        done(null, true);
      },
      authorizePublish(client, packet, done) {
        // client is null only for a will left by another broker instance; there is none here.
        const identity = client ? identities.get(client) : undefined;
        if (identity && authorizePublish(identity, packet.topic, packet.retain)) return done(null);
        counts.refusedPublish++;
        records.refuse(client ? usernames.get(client) : undefined, 'publish', `${packet.topic}${packet.retain ? ' (retain)' : ''}`);
        // MQTT 3.1.1 cannot NACK a publish; aedes closes the connection (MQTT-3.3.5-2).
        done(new Error(`publish refused: ${packet.topic}`));
      },
      authorizeSubscribe(client, sub, done) {
        const identity = identities.get(client);
        if (identity && authorizeSubscribe(identity, sub.topic, cfg.defects)) return done(null, sub);
        counts.refusedSubscribe++;
        records.refuse(usernames.get(client), 'subscribe', sub.topic);
        // null grants 0x80 (failure) for this filter and keeps the connection (MQTT 3.1.1 §3.9.3).
        done(null, null);
      },
    });
    aedes.on('client', (client) => {
      const username = usernames.get(client) ?? '';
      const will = wills.get(client);
      records.connected(username, client.id, will ? seen(will) : null);
      let set = live.get(username);
      if (!set) live.set(username, (set = new Set()));
      set.add(client);
    });
    aedes.on('clientDisconnect', (client) => {
      const username = usernames.get(client) ?? '';
      const set = live.get(username);
      if (set?.delete(client) && set.size === 0) records.disconnected(username);
    });
    aedes.on('subscribe', (subs, client) => {
      for (const sub of subs) records.subscribed(usernames.get(client), sub.topic, sub.qos);
    });
    // Garbage, malformed or oversize packets end the connection; counted for the client that sent them.
    // Only an authenticated client's errors are its own; before CONNECT succeeds anyone can say anything.
    const onError = (client: Client): void => {
      if (identities.has(client)) records.of(usernames.get(client)).errors++;
      else records.strangers.error();
    };
    aedes.on('clientError', onError);
    aedes.on('connectionError', onError);
    aedes.on('publish', (packet, client) => {
      if (!client) return;
      const kind = packet.topic.endsWith('/status') ? 'status' : packet.topic.endsWith('/event') ? 'event' : null;
      if (kind) records.published(usernames.get(client), kind, seen(packet));
      // What a gateway sent that the contract does not allow, named for TEST-PLAN GWP-02/GWP-06.
      if (identities.get(client)?.kind === 'gateway') {
        const why = malformedReason(packet.topic, packet.payload);
        if (why !== null) records.malformedMessage(usernames.get(client), why);
      }
    });

    const server = noDelayServer();
    server.maxConnections = opts.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
    const host = opts.host ?? '127.0.0.1';
    await listenOn(server, opts.port ?? 0, host);
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('broker: server has no TCP address');
    return new Broker(aedes, server, host, address.port, counts,
      { packet, maxPending: opts.maxPendingConnections ?? DEFAULT_MAX_PENDING_CONNECTIONS }, guards, addresses, records, live);
  }

  /** What the broker saw of each client, by offered username (TEST-PLAN GWP-01, GWP-06). */
  clientRecords(): Record<string, ClientRecord> {
    return this.records.all();
  }

  /** Refused CONNECTs of clients that never authenticated: apart from `clientRecords`, bounded (strangers.ts). */
  strangers(): StrangerView {
    return this.records.strangers.view();
  }

  /** Forget every record (a sim world reset between tests); who is connected now stays known. */
  resetRecords(): void {
    this.records.reset(this.live);
  }

  /** Whether gateway `apId`'s latest status was a retained `{"online": true}` (what a new subscriber is told). */
  retainedOnline(apId: number): boolean {
    const last = this.records.all()[`gw:${apId}`]?.lastStatus;
    if (!last?.retain) return false;
    try {
      return (JSON.parse(last.payload) as { online?: unknown }).online === true;
    } catch {
      return false;
    }
  }

  /**
   * Drop every connection of `username` without a DISCONNECT, as a network loss would: the broker
   * publishes each one's will (TEST-PLAN GWP-05). Returns how many connections were dropped.
   */
  drop(username: string): number {
    const clients = [...(this.live.get(username) ?? [])];
    for (const c of clients) (c.conn as unknown as Socket).destroy();
    this.records.of(username).drops += clients.length;
    return clients.length;
  }

  /**
   * Tap every message the broker accepted (client publishes and wills; not `$SYS`), for the wire
   * log (DESIGN §9). Returns the function that removes the tap.
   */
  onPublish(listener: (topic: string, payload: Buffer) => void): () => void {
    const tap = (packet: { topic: string; payload: Buffer | string }): void => {
      if (packet.topic.startsWith('$SYS/')) return;
      listener(packet.topic, Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload));
    };
    this.aedes.on('publish', tap);
    return () => {
      this.aedes.off('publish', tap);
    };
  }

  /** Stop accepting, destroy every client socket and close aedes; never waits on a client. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const serverClosed = new Promise<void>((resolve) => this.server.close(() => resolve()));
      for (const socket of this.sockets) socket.destroy();
      await new Promise<void>((resolve) => this.aedes.close(() => resolve()));
      await serverClosed;
    })();
    return this.closing;
  }
}
