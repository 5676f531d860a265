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
import type { FleetRoles, LockRole } from './fleet.ts';
import type { ClientRecord, LockKnobs } from '../../../sim/world/index.ts';
import type { ProbeResult } from '../../../sim/cloud/command-probe.ts';

export type TargetName = 'sim' | 'remote' | 'lab' | 'gateway' | 'replay';

/** Keys the cloud hands out for a time sync (DESIGN §5.3). */
export interface TimeSyncKeys {
  seq: number;
  key1: number;
  key2: number;
}

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


/** A lock's full state as the simulator's control API reports it (DESIGN §8 `GET /locks/{id}`). */
export type LockState = Record<string, unknown> & { lock_time: number };

/** World time a spec may move (TEST-PLAN "C"). On lab, moving it re-syncs the lock before its next use. */
export interface ClockFacet {
  now(): Promise<number>;
  advance(seconds: number): Promise<number>;
  set(unix: number): Promise<number>;
}

/** Keypad lockout of a lock (DESIGN §5.4; defaults 5 attempts, 60 s). */
export interface LockoutPolicy {
  attempts: number;
  seconds: number;
}

/**
 * One lock of the fleet. `id`, `role`, `realTime` and `lockout` are always there; every other member is
 * a part the lock may lack on a target, asked for through `locks.get(role, ...parts)`.
 */
export interface LockHandle {
  readonly id: number;
  readonly role: LockRole;
  /**
   * The lock's clock runs on real time between two calls (a lab device): a boundary check must place
   * the clock so that a round trip cannot cross the boundary (DESIGN §11 "Real time"). False on sim,
   * where the lock clock moves only with world time.
   */
  readonly realTime: boolean;
  /** Lockout the lock declares (DESIGN §5.4 defaults when it declares none). */
  readonly lockout: LockoutPolicy;
  /** The lock's MAC, when the target knows it. */
  readonly mac?: string;
  /** The lock's own secret (hex, DESIGN §5.2/§5.3), when the target knows it. */
  readonly secretHex?: string;
  /** The first time-sync seq the target's cloud issues for this lock, when known (TSYNC-01 vector). */
  readonly seqStart?: number;
  /** Declared drift in ppm, when the target declares one (DRIFT-01). */
  readonly driftPpm?: number;
  /** Declared tolerance (DESIGN §5.2), when the target declares one (PWD-06). */
  readonly tolerance?: { behind: number; ahead: number };

  /** DESIGN §5.2: the temporary password of `slot`, computed from the lock's own secret (part `codeOf`). */
  codeOf?(slot: number): string;
  /** A 6-digit code no slot near lock time `t` accepts and not one of `taken` (part `wrongCode`). */
  wrongCode?(t: number, taken?: readonly string[]): string;
  /** The lock's clock in whole seconds (part `time`). */
  time?(): Promise<number>;
  /** Whether the lock trusts its clock (false after a reset until a time sync; part `trusted`). */
  trusted?(): Promise<boolean>;
  /**
   * Place the lock's clock at `lockTime` (part `setTime`) and confirm it reads that second. On a
   * real-time clock the lock is left 0.3–0.5 s inside that second, so a round trip stays in it.
   */
  setTime?(lockTime: number): Promise<void>;
  /** Type a code on the lock's keypad; the lock's result (part `keypad`). */
  keypad?(code: string): Promise<string>;
  /** Unlock over Bluetooth as `uid` (part `ble`). */
  ble?(uid: number): Promise<string>;
  /** Carry time-sync keys to the lock over Bluetooth (part `timeSync`); the lock then belongs to the test's keys. */
  timeSync?(keys: TimeSyncKeys): Promise<{ result: string; lock_time: number }>;
  /** The lock's full state: clock, battery, flags, uids, events (part `state`; simulator only). */
  state?(): Promise<LockState>;
  /** Turn lock knobs (part `set`; simulator only). */
  set?(knobs: LockKnobs): Promise<LockState>;
  /** Make the lock's clock untrusted (part `resetClock`); the harness stops syncing it for the test. */
  resetClock?(): Promise<void>;
}

/** The optional parts of a lock handle. */
export type LockPart = 'codeOf' | 'wrongCode' | 'time' | 'trusted' | 'setTime' | 'keypad' | 'ble' | 'timeSync' | 'state' | 'set' | 'resetClock';

/** A lock handle with the parts asked for. */
export type LockWith<P extends LockPart> = LockHandle & Required<Pick<LockHandle, P>>;

/** The fleet's locks by role. */
export interface LocksFacet {
  /** The lock playing `role` with `parts`, or why the target cannot give it. */
  find<P extends LockPart>(role: LockRole, ...parts: P[]): { lock: LockWith<P> } | { missing: string };
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

/** Why a lock part is missing on a target. */
export const LOCK_PART_REASONS: Record<LockPart, string> = {
  codeOf: "compute the lock's codes (its secret is unknown)",
  wrongCode: "pick a wrong code (the lock's secret is unknown)",
  time: "read the lock's clock",
  trusted: 'read whether the lock trusts its clock',
  setTime: "set the lock's clock",
  keypad: 'type on the lock keypad',
  ble: 'unlock over Bluetooth',
  timeSync: 'carry time-sync keys to the lock',
  state: "read the lock's full state (L)",
  set: 'control the lock: battery, drift, power, radio, jam, tamper (L)',
  resetClock: "reset the lock's clock (make it untrusted)",
};

/** `lock` with `parts`, or why not (the one rule behind every target's `locks.find`). */
export function withParts<P extends LockPart>(role: LockRole, lock: LockHandle | undefined, parts: readonly P[]): { lock: LockWith<P> } | { missing: string } {
  if (!lock) return { missing: `no lock in role "${role}"` };
  const lacking = parts.filter((p) => lock[p] === undefined);
  if (lacking.length > 0) return { missing: `lock "${role}" cannot ${lacking.map((p) => LOCK_PART_REASONS[p]).join(', ')}` };
  return { lock: lock as LockWith<P> };
}
