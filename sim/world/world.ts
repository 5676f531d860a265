import { randomBytes } from 'node:crypto';
import { WorldClock } from '../clock/index.ts';
import { defectProblems, WORLD_ROOMS } from '../defects.ts';
import { defaultLockSpec } from '../lock/lock.ts';
import { LockTable } from '../lock/lock-table.ts';
import type { LockColumns } from '../lock/lock-columns.ts';
import { VirtualGateway } from '../gateway/gateway.ts';
import { RadioLinks } from '../gateway/radio-links.ts';
import type { LockLink } from '../gateway/link.ts';
import { Broker } from '../broker/broker.ts';
import { BrokerThread, type BrokerHandle } from '../broker/broker-thread.ts';
import { Cloud, startBuiltinFaceProvider, type LockRegistry } from '../cloud/index.ts';
import { namespaceProblem, type ProfileName } from '../protocol/index.ts';
import type { ExternalBroker } from './broker-url.ts';
import type { HttpLimits } from '../cloud/http-server.ts';
import type { CompensationOptions } from '../cloud/compensations.ts';
import type { Fixture, FixtureLock } from './fixture.ts';
import { FixtureError } from './fixture-schema.ts';
import { PushSink } from './push-sink.ts';
import { ControlServer } from './control.ts';
import { seededRng } from '../random.ts';
import { waitUntil } from '../io/index.ts';
import { clearGatewayFaults, resetWorld } from './reset.ts';
import { applyFixtureFaults } from './fixture-faults-apply.ts';
import { startBounded } from './start-bounded.ts';
import { WorldParts } from './world-parts.ts';
import { CloudBoundCount } from './cloud-bound.ts';
import { cloudLocksOf } from './cloud-locks.ts';

export interface WorldOptions {
  host?: string;
  apiPort?: number;
  mqttPort?: number;
  controlPort?: number;
  /** Overrides the fixture's `cloud.profile`. */
  profile?: ProfileName;
  /** `frozen` (default; tests move time) or `running` (real time × 1). */
  time?: 'frozen' | 'running';
  /** Overrides the fixture's `cloud.ack_timeout_ms`. */
  ackTimeoutMs?: number;
  /** Push retry back-off base in ms (default 100). */
  pushBackoffMs?: number;
  /** Gateway → lock request timeout in ms (default 2000). */
  lockTimeoutMs?: number;
  /** Bound on each virtual gateway's MQTT session set-up (and clean disconnect), ms (default 5000: `GatewayOptions.connectTimeoutMs`). */
  gatewayConnectTimeoutMs?: number;
  /**
   * The world's locks as columns made already, instead of from `fixture.locks` (which may then be empty):
   * a fleet shard's loader thread makes them from its part of the fixture, so the shard never holds
   * parsed JSON per lock (DESIGN §13). Only for a devices-only world (`cloud: false`): a cloud reads its
   * lock records from the fixture. Default: from `fixture.locks`.
   */
  lockColumns?: LockColumns;
  /**
   * The cloud's lock records made already, instead of from `fixture.locks` (which may then be empty): the
   * cloud alone (`npm run sim -- --gateways none`) makes them in a loader thread from the fleet's file, so
   * it never holds parsed JSON per lock (DESIGN §13). Only for a world without gateways (`gateways: false`).
   * Default: from `fixture.locks`.
   */
  cloudLocks?: LockRegistry;
  /** Overrides the fixture's `cloud.face_timeout_ms`. */
  faceTimeoutMs?: number;
  /** A link to use for a lock instead of the in-process radio (the lab bridge passes its serial link). */
  linkFor?: (lockId: number) => LockLink | undefined;
  /** Defects added to the fixture's own `defects`. */
  defects?: readonly string[];
  /** Connection cap and socket timeouts of the API and control listeners (DESIGN §2; defaults in http-server.ts). */
  http?: Partial<HttpLimits>;
  /** Retries of the cloud's compensating pwd_del (defaults in compensations.ts). */
  compensation?: Partial<CompensationOptions>;
  /** The seed of all domain randomness, forked per subsystem (STYLE §2; `LOCKBENCH_SEED`). Default 0. */
  seed?: number;
  /** An external broker instead of the embedded one (DESIGN §13); `mqttPort` is then unused. */
  externalBroker?: ExternalBroker;
  /** The world's namespace on the broker (DESIGN §13: topics and client ids prefixed); default '' = §4 exactly. */
  namespace?: string;
  /** Start the fixture's virtual gateways and their locks (default true); false runs the cloud alone (`--gateways none`), with no virtual lock. */
  gateways?: boolean;
  /** Start the cloud, its face provider and API (default true); false runs devices only (`npm run fleet`, DESIGN §13). */
  cloud?: boolean;
  /**
   * Gateways of the fixture that connect by themselves (a physical gateway, `npm run gateway`): the
   * broker accepts their credentials and the cloud knows them, but no virtual gateway starts (DESIGN §12).
   */
  externalGateways?: readonly number[];
  /** Interface the embedded broker alone listens on (e.g. `0.0.0.0` for a gateway on the LAN, DESIGN §12); default `host`. */
  brokerHost?: string;
  /**
   * Run the broker in its own worker thread (its share of every MQTT hop on the second core: bench figure
   * `remote open throughput, broker thread`); default false (in-process, as tests use it).
   */
  brokerThread?: boolean;
}

/**
 * Gateways connecting at once while a world starts: a fleet of thousands starts in seconds, a bounded
 * burst for the broker. A window, not batches (no waiting for a batch's slowest); more at once only
 * holds more sockets and packets in flight (batches of 400 measured ~25 MB more RSS on the 10k/1k fleet).
 */
const GATEWAY_STARTS_AT_ONCE = 50;

/** The virtual lock spec of a fixture lock (also used by `npm run gateway`). */
export function lockSpecOf(l: FixtureLock, defects: readonly string[]) {
  return defaultLockSpec({
    lockId: l.lock_id, mac: l.mac, secretHex: l.secret_hex, firmwareVer: l.firmware_ver, driftPpm: l.drift_ppm,
    clockOffsetS: l.clock_offset_s, batteryPct: l.battery_pct, lowBatteryPct: l.low_battery_pct, tolerance: l.tolerance,
    capacity: l.capacity, lockout: l.lockout, defects,
  });
}

/** A whole simulated world on loopback: broker, gateways, locks, cloud, push sink, face provider and control API. */
export class World extends WorldParts {
  private closers: (() => Promise<void>)[] = [];
  private controlServer: ControlServer | undefined;

  private constructor(...parts: ConstructorParameters<typeof WorldParts>) {
    super(...parts);
  }

  /** The control API's server (DESIGN §8), once the world has started. */
  get control(): ControlServer {
    if (!this.controlServer) throw new Error('world: the control API has not started');
    return this.controlServer;
  }

  /** Build and start a world; on failure everything already started is closed again. */
  static async create(fixture: Fixture, opts: WorldOptions = {}): Promise<World> {
    const defects = [...fixture.defects, ...(opts.defects ?? [])];
    const nsProblem = namespaceProblem(opts.namespace ?? '');
    if (nsProblem) throw new Error(`namespace "${opts.namespace}" ${nsProblem}`);
    // The registry (`sim/defects.ts`) is the known-defect list; a serial-path defect has no room here.
    const refused = defectProblems(defects, (i) => `$.defects[${i}]`, WORLD_ROOMS);
    if (refused.length > 0) throw new FixtureError(refused.map((e) => ({ path: e.where, message: e.reason })));
    const clock = new WorldClock(fixture.world.start);
    // The cloud alone (`gateways: false`) simulates no lock: the fleet's locks live in its shards (DESIGN §13),
    // and a million idle VirtualLocks were half the cloud process's memory.
    if (opts.cloudLocks && opts.gateways !== false) throw new Error('cloudLocks are for a world without gateways (gateways: false): its virtual locks are made from the fixture');
    if (opts.lockColumns && opts.cloud !== false) throw new Error('lockColumns are for a devices-only world (cloud: false): a cloud reads its lock records from the fixture');
    const locks = new LockTable(opts.gateways === false ? [] : opts.lockColumns ?? fixture.locks.map((l) => lockSpecOf(l, defects)), clock);
    const world = new World(fixture, clock, locks, new PushSink(clock), defects, opts.namespace ?? '', opts.seed ?? 0);
    try {
      await world.start(opts);
    } catch (e) {
      await world.close();
      throw e;
    }
    // Once everything runs: the fixture's rates act on traffic, not on the world starting up.
    applyFixtureFaults(world);
    if (opts.time === 'running') clock.run(1);
    return world;
  }

  /** Control API, broker, gateways, then the cloud (gateways first: the cloud learns their status from retained messages without pushing a change). */
  private async start(opts: WorldOptions): Promise<void> {
    const host = opts.host ?? '127.0.0.1';
    this.clock.onMove(() => this.locks.tick());
    const control = (this.controlServer = await ControlServer.create(this, { host, port: opts.controlPort ?? 0, ...(opts.http ? { http: opts.http } : {}) }));
    this.closers.push(() => control.close());
    const cloudPassword = await this.startBroker(opts, host);
    await this.startGateways(opts);
    if (opts.cloud === false) return;
    await this.startCloud(opts, host, cloudPassword);
  }

  /** The embedded broker (in this thread or its own), or the external one's URL; the cloud's broker password. */
  private async startBroker(opts: WorldOptions, host: string): Promise<string> {
    if (opts.externalBroker) {
      this.started('mqttUrl', opts.externalBroker.url);
      return opts.externalBroker.cloudPassword;
    }
    const cloudPassword = randomBytes(16).toString('hex');
    const secrets = new Map(this.fixture.gateways.map((g) => [g.ap_id, g.secret]));
    const brokerHost = opts.brokerHost ?? host;
    const { defects } = this;
    const broker: BrokerHandle = opts.brokerThread
      ? this.started('brokerThread', await BrokerThread.create({ host: brokerHost, port: opts.mqttPort ?? 0, cloudPassword, secrets, defects }))!
      : this.started('broker', await Broker.create({ host: brokerHost, port: opts.mqttPort ?? 0, cloudPassword, gatewaySecret: (id) => secrets.get(id), defects }))!;
    this.closers.push(() => broker.close());
    // A broker on every interface is reached over loopback from inside the world.
    this.started('mqttUrl', brokerHost === '0.0.0.0' || brokerHost === '::' ? `mqtt://127.0.0.1:${broker.port}` : broker.url);
    return cloudPassword;
  }

  /** The fixture's gateways this world simulates, each over its locks' links (a lock reached from outside through `linkFor`). */
  private async startGateways(opts: WorldOptions): Promise<void> {
    const f = this.fixture;
    this.apOf.fill(f.gateways);
    for (const id of opts.externalGateways ?? []) if (f.gateways.some((g) => g.ap_id === id)) this.externalGateways.add(id);
    const started = opts.gateways === false ? [] : f.gateways.filter((g) => !this.externalGateways.has(g.ap_id));
    await startBounded(started, GATEWAY_STARTS_AT_ONCE, async (g) => {
      const links: LockLink[] = [];
      const radio: number[] = [];
      for (const id of g.locks) {
        const external = opts.linkFor?.(id);
        if (external) {
          this.external.add(id);
          links.push(external);
        } else if (this.locks.has(id)) radio.push(id);
      }
      const gw = await VirtualGateway.create({
        apId: g.ap_id, secret: g.secret, mqttUrl: this.mqttUrl, namespace: this.namespace, links, lockTimeoutMs: opts.lockTimeoutMs ?? 2000, defects: this.defects,
        // One radio for all the gateway's locks: no object or subscription per lock until one is used (DESIGN §13).
        linkGroups: [new RadioLinks(this.locks, radio, this.radioLosses)],
        ...(opts.gatewayConnectTimeoutMs === undefined ? {} : { connectTimeoutMs: opts.gatewayConnectTimeoutMs }),
      });
      this.gateways.set(g.ap_id, gw);
      this.closers.push(() => gw.close());
    });
  }

  /** The face provider the fixture names (or the built-in one), then the cloud; ready once it has learnt every gateway's status. */
  private async startCloud(opts: WorldOptions, host: string, cloudPassword: string): Promise<void> {
    const f = this.fixture;
    const locks = opts.cloudLocks ?? cloudLocksOf(f.locks, this.apOf);
    let faceUrl = f.cloud.face_provider_url;
    if (faceUrl === 'builtin') {
      const provider = await startBuiltinFaceProvider(locks.members());
      this.closers.push(() => provider.close());
      faceUrl = provider.url;
    }
    this.started('faceProviderUrl', faceUrl);
    const cloud = await Cloud.create({
      clock: this.clock,
      profile: opts.profile ?? f.cloud.profile,
      signSkewS: f.cloud.sign_skew_s,
      ackTimeoutMs: opts.ackTimeoutMs ?? f.cloud.ack_timeout_ms,
      timeSyncTtlS: f.cloud.time_sync_ttl_s,
      faceRate: { max: f.cloud.face_rate.max, perS: f.cloud.face_rate.per_s },
      faceProviderUrl: faceUrl,
      faceTimeoutMs: opts.faceTimeoutMs ?? f.cloud.face_timeout_ms,
      tzOffsetMin: f.world.tz_offset_min,
      apps: f.apps.map((a) => ({
        appId: a.app_id, appSecret: a.app_secret, corpIds: a.corp_ids,
        pushUrl: a.push_url === 'sink' ? `${this.control.url}/sink/${encodeURIComponent(a.app_id)}` : a.push_url,
      })),
      locks,
      mqtt: { url: this.mqttUrl, password: cloudPassword, namespace: this.namespace },
      host,
      port: opts.apiPort ?? 0,
      push: { backoffMs: opts.pushBackoffMs ?? 100 },
      ...(opts.http ? { http: opts.http } : {}),
      ...(opts.compensation ? { compensation: opts.compensation } : {}),
      defects: this.defects,
      rng: seededRng(opts.seed ?? 0).fork('cloud'),
      journal: this.journal,
    });
    this.started('cloud', cloud);
    this.closers.push(() => cloud.close());
    // Counted from the cloud's subscription on (DESIGN §9 `GET /quiet`). Not through an external broker, nor a
    // broker thread, whose tap would carry every message across threads (bench: `remote open throughput, broker thread`).
    const { broker } = this;
    if (broker) {
      const count = this.started('cloudBound', new CloudBoundCount(broker, this.namespace, () => cloud.stats.mqttReceived))!;
      this.closers.push(async () => count.close());
    }
    // Ready means the cloud has learnt every gateway's status (retained messages may follow the SUBACK).
    const learnt = (): boolean => [...this.gateways.values()].every((g) => !g.online || cloud.gatewayOnline(g.apId));
    await waitUntil('the cloud to learn every gateway\'s status', learnt, { timeoutMs: 10_000, intervalMs: 5 });
  }

  /**
   * Back to the fixture's start without restarting a server: clock frozen at `world.start`, fresh
   * locks, gateways online without faults, the cloud's state forgotten, the sink empty; `seed` reseeds
   * the world's randomness.
   */
  async reset(seed?: number): Promise<void> {
    await resetWorld(this);
    if (seed !== undefined) this.reseed(seed);
  }

  /** Every gateway fault off and every gateway back online, once what a delayed gateway still sends has landed (both resets use it). */
  async clearFaults(): Promise<void> {
    await clearGatewayFaults(this);
  }

  /** Draw all domain randomness from `seed` from now on (STYLE §2): a test replays exactly with the seed it was given. */
  reseed(seed: number): void {
    this.cloud?.reseed(seededRng(seed).fork('cloud'));
  }

  /** The three URLs of the ready line (DESIGN §8); `api` is '' in a devices-only world. */
  get urls(): { api: string; mqtt: string; control: string } {
    return { api: this.cloud?.url ?? '', mqtt: this.mqttUrl, control: this.control.url };
  }

  /** Stop everything, newest first; safe to call twice. */
  async close(): Promise<void> {
    const closers = this.closers.reverse();
    this.closers = [];
    for (const c of closers) {
      try {
        await c();
      } catch {
        // Closing is best effort: one part failing to close must not keep the others open.
      }
    }
  }
}
