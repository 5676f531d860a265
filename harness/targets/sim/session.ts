import { randomBytes } from 'node:crypto';
import { DEFAULT_FIXTURE_PATH, World, loadFixture, parseBrokerUrl } from '../../../sim/world/index.ts';
import type { ProfileName } from '../../../sim/protocol/index.ts';
import { connectMqtt } from '../../../sim/io/index.ts';
import type { WireLog } from '../../client/wire-log.ts';
import { ControlClient } from '../core/control-client.ts';
import { gatewaysFacet, pushesFacet } from '../core/control-facets.ts';
import type { Facets, TargetSession } from '../core/facets.ts';
import { rolesOfFixture, type FleetRoles } from '../core/fleet.ts';
import { simLocks } from './locks.ts';
import { linkFacet } from '../core/gateway-link.ts';
import { worldSeed } from '../core/preflight.ts';
import { MqttTap, recordMqtt } from './mqtt-tap.ts';

export interface SimOptions {
  profile: ProfileName;
  /** Fixture file; default the package's fixtures/fleet.json. */
  fixturePath?: string;
  /** Defects to seed (DESIGN §9: the suite must fail on a broken device). */
  defects?: readonly string[];
  /** Cloud ack timeout in ms; specs keep it short. Default 400. */
  ackTimeoutMs?: number;
  /** An external broker, `mqtt://cloud:PASSWORD@HOST:PORT` (DESIGN §13, `LOCKBENCH_MQTT_URL`); default the embedded one. */
  mqttUrl?: string;
  /** The read-only tap on that broker, `mqtt://tap:PASSWORD@HOST:PORT` (`LOCKBENCH_MQTT_TAP_URL`); without it the wire log has no MQTT there. */
  mqttTapUrl?: string;
}

/** The embedded simulator: one world per worker on free ports, frozen time, everything controllable, reset per test. */
export class SimSession implements TargetSession {
  readonly name = 'sim';
  // `reset` builds every lock again from its spec (sim/world/reset.ts).
  readonly locksResetEachTest = true;

  private constructor(
    readonly world: World, readonly profile: ProfileName, readonly roles: FleetRoles, private readonly ackTimeoutMs: number,
    private readonly tap: MqttTap | undefined,
  ) {}

  static async start(o: SimOptions): Promise<SimSession> {
    const path = o.fixturePath ?? DEFAULT_FIXTURE_PATH;
    const fixture = await loadFixture(path);
    const roles = rolesOfFixture(fixture, path);
    const external = o.mqttUrl === undefined ? undefined : parseBrokerUrl(o.mqttUrl);
    if (external && !external.ok) throw new Error(`LOCKBENCH_MQTT_URL ${external.error}`);
    const world = await World.create(fixture, {
      // On a shared broker every world (one per worker) takes its own namespace (DESIGN §13).
      ...(external ? { externalBroker: external.value, namespace: `w${randomBytes(6).toString('hex')}` } : {}),
      profile: o.profile,
      time: 'frozen',
      ackTimeoutMs: o.ackTimeoutMs ?? 400,
      lockTimeoutMs: 200,
      pushBackoffMs: 20,
      faceTimeoutMs: 300,
      defects: o.defects,
      seed: worldSeed(),
    });
    let tap: MqttTap | undefined;
    try {
      // DESIGN §14 on an external broker: the tap reads this world's namespace only (DESIGN §13).
      if (external && o.mqttTapUrl !== undefined) tap = await MqttTap.connect(o.mqttTapUrl, world.namespace);
    } catch (e) {
      await world.close();
      throw e;
    }
    return new SimSession(world, o.profile, roles, o.ackTimeoutMs ?? 400, tap);
  }

  get apiUrl(): string {
    return this.world.urls.api;
  }
  get app() {
    const a = this.world.fixture.apps[0]!;
    return { appId: a.app_id, appSecret: a.app_secret };
  }

  async now(): Promise<number> {
    return this.world.clock.now();
  }

  facets(wire: WireLog): Facets {
    const ctl = new ControlClient(this.world.urls.control, wire);
    const other = this.world.fixture.apps[1];
    let ownClient = false;
    return {
      clock: {
        now: async () => (await ctl.call<{ time: number }>('GET', '/world')).time,
        advance: async (seconds) => (await ctl.call<{ time: number }>('POST', '/clock', { advance: seconds })).time,
        set: async (unix) => (await ctl.call<{ time: number }>('POST', '/clock', { set: unix })).time,
      },
      locks: simLocks(this.world.fixture, this.roles, ctl),
      gateways: gatewaysFacet(ctl),
      // The world's own senders are all in sight (DESIGN §9 `GET /quiet`); a test's own MQTT client is not.
      pushes: pushesFacet(ctl, { coversSenders: () => !ownClient }),
      mqtt: {
        url: this.world.urls.mqtt, namespace: this.world.namespace, gateways: this.world.fixture.gateways.map((g) => ({ apId: g.ap_id, secret: g.secret })),
        connect: (opts) => {
          ownClient = true;
          return connectMqtt(this.world.urls.mqtt, opts);
        },
      },
      face: { providerUrl: this.world.faceProviderUrl },
      // The gateway levers are the embedded broker's (DESIGN §12): an external broker offers none.
      ...(this.world.broker ? { link: linkFacet(ctl, { ackTimeoutMs: this.ackTimeoutMs, reconnectWaitMs: 3000, simulated: true }) } : {}),
      ...(other ? { otherApp: { appId: other.app_id, appSecret: other.app_secret } } : {}),
    };
  }

  // Each test starts from its own seed (the run's, forked by the test's titles), whichever worker runs it.
  async reset(): Promise<void> {
    await this.world.reset(worldSeed());
    // What the reset sent is not the next test's: let it arrive before that test watches.
    await this.tap?.flush();
  }

  worldNow(): number {
    return this.world.clock.now();
  }

  watch(wire: WireLog): () => void | Promise<void> {
    // An external broker is tapped through its read-only identity when one is given (LOCKBENCH_MQTT_TAP_URL).
    if (!this.world.broker) return this.tap ? this.tap.watch(wire) : () => undefined;
    return this.world.broker.onPublish((topic, payload) => {
      if (topic.startsWith('kexin/')) recordMqtt(wire, topic, payload);
    });
  }

  async close(): Promise<void> {
    await this.tap?.close();
    await this.world.close();
  }
}
