import { createServer, type Server, type Socket } from 'node:net';
import { Aedes, type AuthenticateError, type Client, type ConnectPacket } from 'aedes';
import aedesPersistence from 'aedes-persistence';
import { withRetainedIndex } from './retained-store.ts';
import {
  CONNACK_CODE, authenticate, authorizeClientId, authorizePublish, authorizeSubscribe, type AclConfig, type Identity,
} from './acl.ts';

export { BROKER_DEFECTS } from './acl.ts';

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
  /** Named defects (`BROKER_DEFECTS`); default none. */
  defects?: readonly string[];
}

/** Refusals and connections, for tests and the control API. */
export interface BrokerStats {
  refusedConnect: number;
  refusedPublish: number;
  refusedSubscribe: number;
  /** Authenticated clients connected now. */
  readonly clients: number;
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

  private constructor(
    private readonly aedes: Aedes,
    private readonly server: Server,
    host: string,
    port: number,
    counts: { refusedConnect: number; refusedPublish: number; refusedSubscribe: number },
  ) {
    this.port = port;
    this.url = `mqtt://${host.includes(':') ? `[${host}]` : host}:${port}`;
    this.stats = Object.defineProperty(counts, 'clients', { get: () => aedes.connectedClients, enumerable: true }) as BrokerStats;
    server.on('connection', (socket) => {
      // Nagle off on the broker side too: with it, each request/reply costs tens of ms (DESIGN §10).
      socket.setNoDelay(true);
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      aedes.handle(socket);
    });
  }

  /** Start a broker listening on `host:port`; resolves once it accepts connections. */
  static async create(opts: BrokerOptions): Promise<Broker> {
    const cfg: AclConfig = { cloudPassword: opts.cloudPassword, gatewaySecret: opts.gatewaySecret, defects: opts.defects ?? [] };
    const counts = { refusedConnect: 0, refusedPublish: 0, refusedSubscribe: 0 };
    const identities = new WeakMap<Client, Identity>();
    const wills = new WeakMap<Client, ConnectPacket['will']>();
    // Who holds each client id now, so another identity cannot take it over (acl.ts authorizeClientId).
    const holders = new Map<string, { client: Client; identity: Identity }>();

    const aedes = await Aedes.createBroker({
      // Retained lookups by exact topic, not a scan per subscribe: start-up linear in gateways (retained-store.ts).
      persistence: withRetainedIndex(memoryPersistence()),
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
        if (!authorizeClientId(result.identity, holders.get(client.id)?.identity)) {
          counts.refusedConnect++;
          return done(refusal(CONNACK_CODE.client_id_taken, 'connection refused: client_id_taken'), false);
        }
        identities.set(client, result.identity);
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
    aedes.on('client', (client) => {
      const identity = identities.get(client);
      if (identity) holders.set(client.id, { client, identity });
    });
    aedes.on('clientDisconnect', (client) => {
      if (holders.get(client.id)?.client === client) holders.delete(client.id);
    });

    const server = createServer({ noDelay: true });
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
    return new Broker(aedes, server, host, address.port, counts);
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
