import type { Server, Socket } from 'node:net';
import { Aedes } from 'aedes';
import aedesPersistence from 'aedes-persistence';
import { listenOn, noDelayServer } from '../io/index.ts';
import { withRetainedIndex } from './retained-store.ts';
import { GuardedStream } from './guarded-stream.ts';
import type { PacketLimits } from './packet-guard.ts';
import type { ClientRecord } from './client-records.ts';
import type { StrangerView } from './strangers.ts';
import { gatekeeper, newBook, watchClients, type BrokerBook, type BrokerCounts } from './gatekeeper.ts';

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
export type BrokerStats = BrokerCounts & {
  /** Authenticated clients connected now. */
  readonly clients: number;
};

/** The simulator's MQTT 3.1.1 broker: aedes on TCP with gateway authentication and ACL (DESIGN §4). */
export class Broker {
  readonly url: string;
  readonly port: number;
  readonly stats: BrokerStats;
  private readonly sockets = new Set<Socket>();
  private closing: Promise<void> | null = null;
  /** Connections that have not authenticated yet. */
  private pending = 0;

  private readonly records: BrokerBook['records'];
  private readonly live: BrokerBook['live'];

  private constructor(private readonly aedes: Aedes, private readonly server: Server, host: string, port: number, book: BrokerBook, maxPending: number) {
    const { counts, limits, guards, addresses } = book;
    this.records = book.records;
    this.live = book.live;
    this.port = port;
    this.url = `mqtt://${host.includes(':') ? `[${host}]` : host}:${port}`;
    this.stats = Object.defineProperty(counts, 'clients', { get: () => aedes.connectedClients, enumerable: true }) as BrokerStats;
    const cut = (): void => void counts.cutOversize++;
    // Closures here are per connection (a fleet has thousands): few, unnamed, and none kept past authentication.
    server.on('connection', (socket) => {
      // DESIGN §4 security: unauthenticated clients may not hold many sockets nor make aedes buffer much.
      if (this.pending >= maxPending) {
        counts.cutPending++;
        socket.destroy();
        return;
      }
      this.sockets.add(socket);
      this.pending++;
      const stream = new GuardedStream(socket, limits.preAuthMaxBytes, cut);
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
    const book = newBook(opts);
    const aedes = await Aedes.createBroker({
      connectTimeout: opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      // Retained lookups by exact topic, not a scan per subscribe: start-up linear in gateways (retained-store.ts).
      persistence: withRetainedIndex(memoryPersistence()),
      ...gatekeeper(book, opts.slowStrangers !== false),
    });
    watchClients(aedes, book);
    const server = noDelayServer();
    server.maxConnections = opts.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
    const host = opts.host ?? '127.0.0.1';
    await listenOn(server, opts.port ?? 0, host);
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('broker: server has no TCP address');
    return new Broker(aedes, server, host, address.port, book, opts.maxPendingConnections ?? DEFAULT_MAX_PENDING_CONNECTIONS);
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

  /**
   * Tap every publish the broker authorized (client publishes and wills), called before it answers the
   * PUBACK of a QoS 1 one — aedes acknowledges before it delivers, so `onPublish` comes too late to tell a
   * message in transit from none (DESIGN §9 `GET /quiet`). Returns the function that removes the tap.
   */
  onAuthorizedPublish(listener: (topic: string) => void): () => void {
    const inner = this.aedes.authorizePublish;
    this.aedes.authorizePublish = (client, packet, done) => inner.call(this.aedes, client, packet, (err) => {
      if (!err) listener(packet.topic);
      done(err);
    });
    return () => {
      this.aedes.authorizePublish = inner;
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
