import { drawVariant, flag, intIn, oneOf, type Drawn, type FreedomTable } from './freedom.ts';

/**
 * The choices DESIGN §4 and §12 leave to a gateway, one field per freedom (keys as a person types
 * them in `--variant-set`). A gateway written apart from this project may make any of them; the
 * `gateway` target must pass every combination (issue 20), so the virtual gateway can become any
 * drawn variant (`npm run gateway -- --variant SEED`) and `conformance:gateway --sweep` walks them.
 * Kept free of `sim/gateway` types (this room imports only `sim/random`): the names are the same.
 */
export interface GatewayVariant {
  /** How `event_id`s count: on across reconnects, or from 1 on every connection. */
  readonly 'event-ids': 'per-gateway' | 'per-connection';
  /** Whether a command's events leave after its ack or as they happen (before it). */
  readonly order: 'ack-first' | 'events-first';
  /** Wait before reconnecting after a lost connection, ms. */
  readonly backoff: number;
  /** MQTT keep-alive the gateway asks for in CONNECT, s. */
  readonly keepalive: number;
  /** MQTT clean-session flag: `no` asks the broker to keep its subscription and queued QoS-1 `cmd`s while it is away. */
  readonly clean: boolean;
  /** Extra retained `{"online": true}` publishes after the first one on each connection. */
  readonly 'status-dups': number;
  /** Whether status, ack and event bodies carry fields §4 does not name (a vendor's own). */
  readonly extras: boolean;
  /** The gateway's own time before it acts on a command (so before its ack), ms. */
  readonly 'ack-latency': number;
}

/** Most a variant's reconnect back-off may be, ms: the bound the harness's waits must cover (DESIGN §12). */
export const GATEWAY_BACKOFF_MAX_MS = 5000;

/**
 * Most a variant waits before acting, ms: well under any ack timeout the gateway target runs with
 * (`LOCKBENCH_ACK_TIMEOUT_MS`, 1500 in `conformance:gateway`), so an ack still lands in time (DESIGN §4).
 */
export const GATEWAY_ACK_LATENCY_MAX_MS = 400;

/** The freedoms, each with the DESIGN section that leaves it open. Only choices the contract allows. */
export const GATEWAY_FREEDOMS: FreedomTable<GatewayVariant> = {
  // §3.4: a rebooted gateway starts again at 1; §4 "event_id increases per gateway" — TEST-PLAN GWP-04
  // allows ids to start again at 1 on each new connection.
  'event-ids': oneOf('DESIGN §3.4, §4; TEST-PLAN GWP-04', ['per-gateway', 'per-connection']),
  // §4 says nothing about whether an actuation's events leave before or after the command's ack.
  order: oneOf('DESIGN §4 (silent on events vs ack)', ['ack-first', 'events-first']),
  // §12: "it reconnects by itself"; how soon is the gateway's, bounded here at 5 s (waits cover it).
  backoff: intIn('DESIGN §12 (reconnects by itself)', 0, GATEWAY_BACKOFF_MAX_MS, 'ms'),
  // §4: MQTT 3.1.1; the keep-alive is the client's to choose (§2: transport timing is real time).
  keepalive: intIn('DESIGN §4 (MQTT 3.1.1), §2', 5, 60, 's'),
  // §4 names no clean-session flag: a persistent session is allowed (a `cmd` queued while away arrives late).
  clean: flag('DESIGN §4 (silent on clean session)'),
  // §4: `{"online": true}` "on connect" — once or more; a repeat is no change of state.
  'status-dups': intIn('DESIGN §4 (status on connect; silent on repeats)', 0, 2),
  // §4: "Messages may carry fields beyond those named here; a receiver ignores what it does not know."
  extras: flag('DESIGN §4 (fields beyond those named)'),
  // §4: acked "within the ack timeout" (TEST-PLAN GWP-02); any time under it is the gateway's.
  'ack-latency': intIn('DESIGN §4 (ack within the ack timeout)', 0, GATEWAY_ACK_LATENCY_MAX_MS, 'ms'),
};

/** The virtual gateway's own choices when no variant is asked for (what `npm run gateway` always did). */
export const DEFAULT_GATEWAY_VARIANT: GatewayVariant = Object.freeze({
  'event-ids': 'per-gateway',
  order: 'ack-first',
  backoff: 500,
  keepalive: 10,
  clean: true,
  'status-dups': 0,
  extras: false,
  'ack-latency': 0,
});

/** The variant of `seed` (each freedom from its own fork, so a new freedom leaves the others' draws alone). */
export function drawGatewayVariant(seed: number): Drawn<GatewayVariant> {
  return drawVariant(GATEWAY_FREEDOMS, seed);
}
