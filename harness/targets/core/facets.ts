/**
 * What a target offers a spec, as typed facets (DESIGN §1 `harness/targets`, §9). A capability IS the
 * presence of a facet: `needs('clock')` returns the clock facet or skips the test with the reason; a
 * lock handle's optional parts (`keypad`, `setTime`, …) are asked for with `locks.get(role, ...parts)`
 * the same way. There is no second list of capabilities to keep in step.
 *
 * A target session lives as long as a Playwright worker; `facets(wire)` binds it to one test so that
 * every exchange lands in that test's wire log (DESIGN §14).
 */
import type { IClientOptions, MqttClient } from 'mqtt';
import type { ProfileName } from '../../../sim/protocol/index.ts';
import type { WireLog } from '../../client/wire-log.ts';
import type { ExchangeHook } from '../../client/api-client.ts';
import type { FleetRoles } from './fleet.ts';
import type { ClientRecord } from '../../../sim/world/index.ts';
import type { LocksFacet } from './lock-handle.ts';

export type { LockHandle, LockoutPolicy, LockPart, LocksFacet, LockState, LockWith, TimeSyncKeys } from './lock-handle.ts';
export { LOCK_PART_REASONS, withParts } from './lock-handle.ts';
import type { ProbeResult } from '../../../sim/cloud/command-probe.ts';

export type TargetName = 'sim' | 'remote' | 'lab' | 'gateway' | 'replay';

/** A push as the inbox sees it. */
export interface InboxPush {
  at: number;
  app_id: string;
  body: { type: number; data: Record<string, unknown> };
}

/** Gateway knobs (DESIGN §8 `POST /gateways/{id}`; `crash` and `redeliver_next` are extensions). */
export interface GatewayKnobs {
  online?: boolean;
  partitioned?: boolean;
  latency_ms?: number;
  crash?: true;
  redeliver_next?: number;
}

/** World time a spec may move (TEST-PLAN "C"). On lab, moving it re-syncs the lock before its next use. */
export interface ClockFacet {
  now(): Promise<number>;
  advance(seconds: number): Promise<number>;
  set(unix: number): Promise<number>;
}

/** Gateway knobs (TEST-PLAN "G"). */
export interface GatewaysFacet {
  set(apId: number, knobs: GatewayKnobs): Promise<Record<string, unknown>>;
}

/** The push receiver (TEST-PLAN "P"). */
export interface PushesFacet {
  /** Everything received since the test began, oldest first. */
  list(): Promise<InboxPush[]>;
  /** Make the receiver answer `status` to the next `count` deliveries (PUSH-02), when it can. */
  failNext?(count: number, status: number): Promise<void>;
  /** Whether anything in flight could still end in a push, where the target's world can tell (DESIGN §9 `GET /quiet`); absent on remote and lab. */
  quiet?: QuietSignal;
}

/**
 * The world's "nothing in flight" (DESIGN §9 `GET /quiet`): no push queued or waiting out a back-off, no
 * command awaiting its ack, no MQTT message the cloud has not handled, and — where `coversSenders` —
 * no gateway command, event or reconnect in hand (latency included).
 */
export interface QuietSignal {
  /**
   * Whether every sender is the world's: true on sim until the test connects an MQTT client of its own
   * (`mqtt.connect`); false where a real gateway sends on its own time (the gateway target). What such a
   * sender has not sent yet is invisible, so a real-time window comes first.
   */
  coversSenders(): boolean;
  /** Resolve true once quiet, false at once where the world cannot tell (`GET /quiet` `known`); reject after `withinMs` naming what is still in flight. */
  wait(withinMs: number): Promise<boolean>;
}

/** Direct MQTT access with gateway credentials (SEC-01, GW-04). */
export interface MqttFacet {
  readonly url: string;
  /** The world's topic namespace on the broker (DESIGN §13); '' is DESIGN §4 exactly. */
  readonly namespace: string;
  readonly gateways: readonly { apId: number; secret: string }[];
  /**
   * A client of the broker at `url` with Nagle off from the first byte, resolved at its CONNACK; a
   * refusal or a socket closed first rejects (bounded by `opts.connectTimeout`).
   */
  connect(opts: IClientOptions): Promise<MqttClient>;
}

/** The lockwire link to the device (TEST-PLAN LAB-03, LAB-05). */
export interface SerialFacet {
  /** Make a virtual lock lose its next `count` responses (a device with `sim` caps only). */
  dropResponses?(count: number): Promise<void>;
  stats(): { retransmits: number; reconnects: number; timeouts: number };
  /**
   * LAB-05 (DESIGN §11): the device clock's rate against the host clock, from the edges of its
   * `clock_get` second found by polling at both ends of `intervalMs` of real time with no time sync
   * in between; `sentence` says it with the verdict against `maxPpm`. A device with `clock` only.
   */
  clockAccuracy?(intervalMs: number): Promise<ClockAccuracy>;
  /** The clock accuracy the device is held to, ppm (LOCKBENCH_LOCK_MAX_PPM, default 50; LAB-05). */
  readonly maxPpm: number;
  /**
   * LAB-01 on the device (DESIGN §6 "Robustness"): garbage, a bad CRC, a bad length and a request
   * split over two reads, each followed by a request the device must answer correctly.
   */
  resync(): Promise<{ step: string; ok: boolean; detail: string }[]>;
  /** What the device sent outside the contract, dropped by the host: "the device sent event {…}: why" (LAB-01). */
  deviceFaults(): readonly string[];
}

/** A clock-accuracy measurement (TEST-PLAN LAB-05): positive ppm runs fast; the truth lies within ppm ± uncertaintyPpm. */
export interface ClockAccuracy {
  ppm: number;
  uncertaintyPpm: number;
  /** Host time between the two edges, s. */
  intervalS: number;
  sentence: string;
}

/** The bench's cable: pull the serial port and put it back (TEST-PLAN LAB-04). */
export interface BenchFacet {
  unplug(): Promise<void>;
  replug(): Promise<void>;
}

/** The face provider the cloud calls, substitutable with nock (TEST-PLAN "F"). */
export interface FaceFacet {
  readonly providerUrl: string;
}

/** A second app of another corp (ENV-04, SEC). */
export interface OtherAppFacet {
  readonly appId: string;
  readonly appSecret: string;
}

/** What the broker saw of one gateway: the answer of `GET /gateways/{id}/mqtt` (DESIGN §12 levers). */
export type GatewayRecord = Omit<ClientRecord, 'username'>;

/**
 * The harness's own levers on a gateway it may not control (DESIGN §12; TEST-PLAN GWP-01…06): what
 * the broker saw of it, the broker dropping its connection, and the cloud sending it a command
 * repeated with one id. On sim the record starts with each test; on `gateway` it covers the run.
 */
export interface LinkFacet {
  /** The cloud's ack timeout on this target, ms (DESIGN §4). */
  readonly ackTimeoutMs: number;
  /** The longest a gateway may take to come back after a loss, ms. */
  readonly reconnectWaitMs: number;
  record(apId: number): Promise<{ cloudOnline: boolean; record: GatewayRecord | null }>;
  /** Cut the gateway's connection without DISCONNECT; how many connections were cut. */
  drop(apId: number): Promise<number>;
  /** Send `cmd` (or `raw` text) `copies` times with one id, each after the last one's ack; the acks seen. */
  probe(apId: number, req: { cmd?: Record<string, unknown>; raw?: string; copies?: number; waitMs: number }): Promise<ProbeResult>;
  /** Power-cycle a simulated gateway (its ids start at 1 again); absent on a gateway the harness does not run. */
  reboot?(apId: number): Promise<void>;
  /**
   * The broker holds the next command the cloud sends gateway `apId` before routing it, until
   * `releaseCommands` or for `maxHoldMs`, so requests sent together all reach the cloud while it is in
   * flight (TEST-PLAN GW-03); unused, the hold lapses in 10 s.
   */
  holdNextCommand(apId: number, maxHoldMs: number): Promise<void>;
  /** Route what the broker holds for gateway `apId` now and forget an unused hold; how many commands were held. */
  releaseCommands(apId: number): Promise<number>;
}

/** Every facet a target may offer one test. */
export interface Facets {
  clock?: ClockFacet;
  locks: LocksFacet;
  gateways?: GatewaysFacet;
  pushes?: PushesFacet;
  mqtt?: MqttFacet;
  serial?: SerialFacet;
  bench?: BenchFacet;
  face?: FaceFacet;
  otherApp?: OtherAppFacet;
  link?: LinkFacet;
}

export type FacetName = Exclude<keyof Facets, 'locks'>;

/**
 * A running target for a whole worker. A new target implements this and nothing else: where the API
 * is, which app signs, the fleet's roles, what it offers a test, and how to put the world back.
 */
export interface TargetSession {
  readonly name: TargetName;
  readonly profile: ProfileName;
  readonly apiUrl: string;
  readonly app: { appId: string; appSecret: string };
  /** Lock and gateway ids by role (fixture `roles` on sim, LOCKBENCH_LOCK_ID elsewhere). */
  readonly roles: FleetRoles;
  /** The domain time signatures are checked against: world time on sim and lab, real time on remote. */
  now(): Promise<number>;
  /** The facets one test may use, every exchange recorded in `wire`. */
  facets(wire: WireLog): Facets;
  /** Put the world back to the fixture's start before a test (clock, locks, gateways, pushes, cloud state). */
  reset(): Promise<void>;
  /**
   * True where `reset` gives every lock back as the fixture made it, keypad lockout included (sim). Absent
   * where what a test does to a lock outlasts it (remote, lab, gateway: a real lock, or one the harness does not reset).
   */
  readonly locksResetEachTest?: boolean;
  /** Watch MQTT and serial traffic into the wire log; returns a function that stops watching (once what is in flight has arrived). */
  watch?(wire: WireLog): () => void | Promise<void>;
  /** World time now, unix seconds (DESIGN §2), read synchronously: each wire-log entry carries it (DESIGN §14). */
  worldNow?(): number;
  /**
   * The record/replay edge of one test's API client (docs/cli.md §8 "Record and replay"): its
   * exchanges kept for a cassette, or answered from one. `test` is the test's title path; `done` runs after it.
   */
  exchanges?(test: readonly string[]): TestExchanges | undefined;
  close(): Promise<void>;
}

/** What a target does with one test's API exchanges (see `TargetSession.exchanges`). */
export interface TestExchanges {
  hook: ExchangeHook;
  done(): Promise<void>;
}

/** Why a test needing a facet is skipped on a target lacking it (TEST-PLAN "Needs"). */
export function missingFacet(target: string, facet: FacetName): string {
  return `target "${target}" cannot ${FACET_REASONS[facet]}`;
}

const FACET_REASONS: Record<FacetName, string> = {
  clock: 'move world time (C)',
  gateways: 'control gateways: online, partition, latency (G)',
  pushes: 'read the push inbox (P)',
  mqtt: 'reach the MQTT broker with gateway credentials',
  serial: 'reach the lock over lockwire (lab)',
  bench: 'unplug and replug the serial port (needs LOCKBENCH_BENCH_CONTROL)',
  face: 'substitute the face provider (F)',
  otherApp: 'sign as a second app of another corp',
  link: "reach the broker's record of a gateway and the harness's levers on it (GWP)",
};

