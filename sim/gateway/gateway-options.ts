/**
 * What a virtual gateway (gateway.ts) is made with and what it counts: its options, each with its unit
 * and default, the two choices DESIGN §4 leaves to a gateway, and its traffic counters.
 */
import type { LockLink, LockLinkGroup } from './link.ts';

export interface GatewayOptions {
  apId: number;
  secret: string;
  mqttUrl: string;
  /** Namespace on a shared broker (DESIGN §13: topics and client id prefixed); default '' = §4 exactly. */
  namespace?: string;
  /** Locks reached by this gateway; more can be added with `addLink`. */
  links?: LockLink[];
  /** Groups of locks reached by this gateway (a fleet's radio, `RadioLinks`); a link to the same lock goes first. Default none. */
  linkGroups?: LockLinkGroup[];
  /** Bound on each lock request through its link, ms; default 2000. */
  lockTimeoutMs?: number;
  /** MQTT keep-alive, s; default 10. */
  keepaliveS?: number;
  /** Delay before reconnecting after an abrupt loss, ms (0: at once); default 200. */
  reconnectPeriodMs?: number;
  /** Bound on connecting (and on a clean disconnect), ms; default 5000. */
  connectTimeoutMs?: number;
  /** The first `event_id`; default 1. A restarted process should start past the ids it already used. */
  firstEventId?: number;
  /** Most events kept while the uplink is down or partitioned; the oldest are dropped beyond it. Default 1000. */
  eventBufferMax?: number;
  /** Seeded defects (`sim/defects.ts`; other rooms' names ignored, unknown ones refused); default none. */
  defects?: readonly string[];
  /** MQTT client id; default `gw-{ap_id}`. */
  clientId?: string;
  /** Default `per-gateway`. */
  eventIds?: EventIdScheme;
  /** Default `ack-first`. */
  eventOrder?: EventOrder;
  /** MQTT clean session; default true (DESIGN §4 is silent: false keeps the broker session and its queued `cmd`s). */
  cleanSession?: boolean;
  /** Extra retained `{"online": true}` publishes per connection (DESIGN §4 is silent on repeats); default 0. */
  statusRepeats?: number;
  /** Add fields §4 does not name to status, ack and event bodies (DESIGN §4: a receiver ignores them); default false. */
  extraFields?: boolean;
  /** The gateway's own time before it acts on each command (so before its ack), ms; default 0 (DESIGN §4: within the ack timeout). */
  ackLatencyMs?: number;
  /** Where the gateway says what it lost (events dropped during an outage, DESIGN §3.3); default nowhere. */
  log?: (line: string) => void;
}

/**
 * When a command's events leave against its ack (DESIGN §4 leaves it open): `ack-first` sends the
 * ack, then the events it caused (the caller gets its answer before the cloud turns to pushes);
 * `events-first` sends them as they happen, before the ack — another gateway's choice the cloud
 * must survive as well.
 */
export type EventOrder = 'ack-first' | 'events-first';

/**
 * How `event_id`s are counted (DESIGN §3.4, §4): `per-gateway` keeps counting across reconnects
 * (a reboot still starts at 1); `per-connection` starts at 1 on every connection — a choice a
 * physical gateway may make, which the cloud must survive (TEST-PLAN GWP-04).
 */
export type EventIdScheme = 'per-gateway' | 'per-connection';

/** Counters of a gateway's traffic. */
export interface GatewayStats {
  /** Well-formed commands received (duplicates included). */
  commands: number;
  /** Commands whose id was already known. */
  duplicates: number;
  /** Malformed commands, and commands and acks dropped while partitioned or offline. */
  dropped: number;
  /** Events published. */
  events: number;
  /** Events dropped because the offline buffer was full (oldest first). */
  eventsDropped: number;
  /** Events refused while the uplink was up and the queue full, left to a link with flow control to send again (DESIGN §3.3/§4). */
  eventsHeldBack: number;
}
