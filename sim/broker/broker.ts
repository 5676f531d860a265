import { createServer, type Server, type Socket } from 'node:net';
import { Aedes, type AuthenticateError, type Client, type ConnectPacket } from 'aedes';
import {
  CONNACK_CODE, authenticate, authorizeClientId, authorizePublish, authorizeSubscribe, identityKey, type AclConfig, type Identity,
} from './acl.ts';
import { ClientIdBindings } from './client-ids.ts';
import { GuardedStream } from './guarded-stream.ts';
import { DEFAULT_PACKET_LIMITS, type PacketLimits } from './packet-guard.ts';

export { BROKER_DEFECTS } from './acl.ts';

export interface BrokerOptions {
  /** Interface to bind; default '127.0.0.1' (loopback only). */
  host?: string;
  /** TCP port; default 0 (any free port). */
  port?: number;
  /** Password of username `cloud`. */
  cloudPassword: string;
  /** Secret of username `gw:{ap_id}`, or undefined for an unknown gateway. */
  gatewaySecret: (apId: number) => string | undefined;
  /** Named defects (`BROKER_DEFECTS`); default none. */
  defects?: readonly string[];
  /** Packet size bounds by who is talking (packet-guard.ts); defaults 1 KiB pre-auth, 8 KiB gateway, 256 KiB cloud. */
  packetLimits?: Partial<PacketLimits>;
  /** Real-time ms a connection may take to complete CONNECT before it is dropped; default 3000. */
  connectTimeoutMs?: number;
  /** Most TCP connections at once on the listener; default 16384 (a fleet's gateways plus headroom, under the fd limit). */
  maxConnections?: number;
  /** Most connections at once that have not authenticated yet; more are cut at once; default 256. */
  maxPendingConnections?: number;
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
  ) {
    this.port = port;
    this.url = `mqtt://${host.includes(':') ? `[${host}]` : host}:${port}`;
    this.stats = Object.defineProperty(counts, 'clients', { get: () => aedes.connectedClients, enumerable: true }) as BrokerStats;
    server.on('connection', (socket) => {
      // Nagle off on the broker side too: with it, each request/reply costs tens of ms (DESIGN §10).
      socket.setNoDelay(true);
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      // DESIGN §4 security: unauthenticated clients may not hold many sockets nor make aedes buffer much.
      if (this.pending >= limits.maxPending) {
        counts.cutPending++;
        socket.destroy();
        return;
      }
      this.pending++;
      let settled = false;
      const settle = (): void => {
        if (!settled) this.pending--;
        settled = true;
      };
      socket.on('close', settle);
      const stream = new GuardedStream(socket, limits.packet.preAuthMaxBytes, () => void counts.cutOversize++);
      guards.set(stream, stream);
      stream.once('authenticated', settle);
      aedes.handle(stream);
    });
  }

  /** Start a broker listening on `host:port`; resolves once it accepts connections. */
  static async create(opts: BrokerOptions): Promise<Broker> {
    const cfg: AclConfig = { cloudPassword: opts.cloudPassword, gatewaySecret: opts.gatewaySecret, defects: opts.defects ?? [] };
    const counts: Counts = { refusedConnect: 0, refusedPublish: 0, refusedSubscribe: 0, cutOversize: 0, cutPending: 0 };
    const packet: PacketLimits = { ...DEFAULT_PACKET_LIMITS, ...opts.packetLimits };
    const guards = new WeakMap<object, GuardedStream>();
    const identities = new WeakMap<Client, Identity>();
    const wills = new WeakMap<Client, ConnectPacket['will']>();
    // Whom each client id belongs to, connected or not, so another identity cannot take it over (acl.ts authorizeClientId).
    const bindings = new ClientIdBindings();

    const aedes = await Aedes.createBroker({
      connectTimeout: opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      preConnect(client, packet, done) {
        wills.set(client, packet.will);
        done(null, true);
      },
      authenticate(client, username, password, done) {
        const will = wills.get(client);
        const result = authenticate({ username, password, will: will && { topic: will.topic, retain: will.retain === true } }, cfg);
        if (!result.ok) {
          counts.refusedConnect++;
          return done(refusal(CONNACK_CODE[result.refusal], `connection refused: ${result.refusal}`), false);
        }
        if (!authorizeClientId(result.identity, client.id, bindings.ownerOf(client.id))) {
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
        // MQTT 3.1.1 cannot NACK a publish; aedes closes the connection (MQTT-3.3.5-2).
        done(new Error(`publish refused: ${packet.topic}`));
      },
      authorizeSubscribe(client, sub, done) {
        const identity = identities.get(client);
        if (identity && authorizeSubscribe(identity, sub.topic, cfg.defects)) return done(null, sub);
        counts.refusedSubscribe++;
        // null grants 0x80 (failure) for this filter and keeps the connection (MQTT 3.1.1 §3.9.3).
        done(null, null);
      },
    });

    const server = createServer({ noDelay: true });
    server.maxConnections = opts.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
    const host = opts.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('broker: server has no TCP address');
    return new Broker(aedes, server, host, address.port, counts,
      { packet, maxPending: opts.maxPendingConnections ?? DEFAULT_MAX_PENDING_CONNECTIONS }, guards);
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
