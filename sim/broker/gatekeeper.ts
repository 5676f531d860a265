import type { Aedes, AedesOptions, AuthenticateError, Client, ConnectPacket } from 'aedes';
import {
  CONNACK_CODE, authenticate, authorizeClientId, authorizePublish, authorizeSubscribe, identityKey, type AclConfig, type Identity,
} from './acl.ts';
import { ClientIdBindings } from './client-ids.ts';
import { aclRules } from './seeded.ts';
import { ClientRecords } from './client-records.ts';
import { CommandHolds } from './command-holds.ts';
import type { GuardedStream } from './guarded-stream.ts';
import { malformedReason } from './malformed.ts';
import { DEFAULT_PACKET_LIMITS, type PacketLimits } from './packet-guard.ts';

/**
 * The broker's gate (DESIGN §4 security): who each connection is, what it may publish and subscribe,
 * and what it did — aedes' hooks and events over one book. `broker.ts` owns the sockets and the
 * listener; this file owns the decisions and the records they leave (TEST-PLAN GWP-01, GWP-06).
 */

/** Refusals and cuts, counted (the broker adds its connected clients to make `BrokerStats`). */
export interface BrokerCounts {
  refusedConnect: number;
  refusedPublish: number;
  refusedSubscribe: number;
  /** Connections cut for a packet over its size bound (or a first packet that is not CONNECT). */
  cutOversize: number;
  /** Connections cut because too many were still unauthenticated. */
  cutPending: number;
}

/** Everything the gate knows, per broker. */
export interface BrokerBook {
  readonly cfg: AclConfig;
  readonly counts: BrokerCounts;
  readonly limits: PacketLimits;
  /** The guarded stream of each connection (keyed by aedes' `client.conn`), to raise its bound once authenticated. */
  readonly guards: WeakMap<object, GuardedStream>;
  /** The peer address of each connection, for the strangers' records and slow-down (strangers.ts). */
  readonly addresses: WeakMap<object, string>;
  readonly records: ClientRecords;
  /** Who each connection said it was, for the per-client records (TEST-PLAN GWP-06). */
  readonly usernames: WeakMap<Client, string>;
  /** Who is connected now, by username. */
  readonly live: Map<string, Set<Client>>;
  readonly identities: WeakMap<Client, Identity>;
  readonly wills: WeakMap<Client, ConnectPacket['will']>;
  /** Whom each client id belongs to, connected or not, so another identity cannot take it over (acl.ts authorizeClientId). */
  readonly bindings: ClientIdBindings;
  /** Commands of the cloud to hold before routing them (command-holds.ts; TEST-PLAN GW-03). */
  readonly holds: CommandHolds;
}

export interface BookOptions {
  cloudPassword: string;
  gatewaySecret: (apId: number) => string | undefined;
  defects?: readonly string[];
  packetLimits?: Partial<PacketLimits>;
}

export function newBook(opts: BookOptions): BrokerBook {
  return {
    cfg: { cloudPassword: opts.cloudPassword, gatewaySecret: opts.gatewaySecret, rules: aclRules(opts.defects) },
    counts: { refusedConnect: 0, refusedPublish: 0, refusedSubscribe: 0, cutOversize: 0, cutPending: 0 },
    limits: { ...DEFAULT_PACKET_LIMITS, ...opts.packetLimits },
    guards: new WeakMap(),
    addresses: new WeakMap(),
    records: new ClientRecords(),
    usernames: new WeakMap(),
    live: new Map(),
    identities: new WeakMap(),
    wills: new WeakMap(),
    bindings: new ClientIdBindings(),
    holds: new CommandHolds(),
  };
}

/** A will or publish packet as a record keeps it. */
export function seen(p: { topic: string; payload: Buffer | string; qos?: number; retain?: boolean }): { topic: string; payload: string; qos: number; retain: boolean } {
  return { topic: p.topic, payload: Buffer.isBuffer(p.payload) ? p.payload.toString('utf8') : String(p.payload), qos: p.qos ?? 0, retain: p.retain === true };
}

function refusal(code: number, message: string): AuthenticateError {
  return Object.assign(new Error(message), { returnCode: code }) as AuthenticateError;
}

type Gate = Required<Pick<AedesOptions, 'preConnect' | 'authenticate' | 'authorizePublish' | 'authorizeSubscribe'>>;

/** aedes' hooks: authentication (strangers slowed when `slowStrangers`), client-id ownership and the ACL. */
export function gatekeeper(b: BrokerBook, slowStrangers: boolean): Gate {
  const { cfg, counts, limits, guards, addresses, records, usernames, identities, wills, bindings, holds } = b;
  return {
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
          return void (delayMs > 0 && slowStrangers ? setTimeout(answer, delayMs) : answer());
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
      stream?.guard.setLimit(result.identity.kind === 'cloud' ? limits.cloudMaxBytes : limits.gatewayMaxBytes);
      stream?.emit('authenticated');
      done(null, true);
    },
    authorizePublish(client, packet, done) {
      // client is null only for a will left by another broker instance; there is none here.
      const identity = client ? identities.get(client) : undefined;
      if (identity && authorizePublish(identity, packet.topic, packet.retain)) {
        // A held command is routed (and acknowledged to the cloud) on release; the cloud's later packets
        // wait behind it, as aedes reads a client's next packets once these are handled.
        if (identity.kind === 'cloud' && holds.hold(packet.topic, () => done(null))) return;
        return done(null);
      }
      counts.refusedPublish++;
      records.refuse(client ? usernames.get(client) : undefined, 'publish', `${packet.topic}${packet.retain ? ' (retain)' : ''}`);
      // MQTT 3.1.1 cannot NACK a publish; aedes closes the connection (MQTT-3.3.5-2).
      done(new Error(`publish refused: ${packet.topic}`));
    },
    authorizeSubscribe(client, sub, done) {
      const identity = identities.get(client);
      if (identity && authorizeSubscribe(identity, sub.topic, cfg.rules)) return done(null, sub);
      counts.refusedSubscribe++;
      records.refuse(usernames.get(client), 'subscribe', sub.topic);
      // null grants 0x80 (failure) for this filter and keeps the connection (MQTT 3.1.1 §3.9.3).
      done(null, null);
    },
  };
}

/** Records of what each client did, from aedes' events; errors before authentication are nobody's (strangers). */
export function watchClients(aedes: Aedes, b: BrokerBook): void {
  const { records, usernames, identities, wills, live } = b;
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

}
