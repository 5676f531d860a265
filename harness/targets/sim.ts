import { randomBytes } from 'node:crypto';
import { World, loadFixture, parseBrokerUrl } from '../../sim/world/index.ts';
import type { ProfileName } from '../../sim/protocol/index.ts';
import type { WireLog } from '../client/wire-log.ts';
import { ControlClient } from './control-client.ts';
import type { Facets, InboxPush, TargetSession } from './facets.ts';
import { rolesOfFixture, type FleetRoles } from './fleet.ts';
import { simLocks } from './sim-locks.ts';
import { linkFacet } from './gateway-link.ts';
import { worldSeed } from './preflight.ts';

export interface SimOptions {
  profile: ProfileName;
  /** Fixture file; default fixtures/fleet.json. */
  fixturePath?: string;
  /** Defects to seed (DESIGN §9: the suite must fail on a broken device). */
  defects?: readonly string[];
  /** Cloud ack timeout in ms; specs keep it short. Default 400. */
  ackTimeoutMs?: number;
  /** An external broker, `mqtt://cloud:PASSWORD@HOST:PORT` (DESIGN §13, `LOCKBENCH_MQTT_URL`); default the embedded one. */
  mqttUrl?: string;
}

/** The embedded simulator: one world per worker on free ports, frozen time, everything controllable, reset per test. */
export class SimSession implements TargetSession {
  readonly name = 'sim';

  private constructor(readonly world: World, readonly profile: ProfileName, readonly roles: FleetRoles, private readonly ackTimeoutMs: number) {}

  static async start(o: SimOptions): Promise<SimSession> {
    const path = o.fixturePath ?? 'fixtures/fleet.json';
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
    return new SimSession(world, o.profile, roles, o.ackTimeoutMs ?? 400);
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
    return {
      clock: {
        now: async () => (await ctl.call<{ time: number }>('GET', '/world')).time,
        advance: async (seconds) => (await ctl.call<{ time: number }>('POST', '/clock', { advance: seconds })).time,
        set: async (unix) => (await ctl.call<{ time: number }>('POST', '/clock', { set: unix })).time,
      },
      locks: simLocks(this.world.fixture, this.roles, ctl),
      gateways: { set: (apId, knobs) => ctl.call('POST', `/gateways/${apId}`, knobs) },
      pushes: {
        list: () => ctl.call<InboxPush[]>('GET', '/push'),
        failNext: async (count, status) => {
          await ctl.call('POST', '/push/faults', { fail_next: count, status });
        },
      },
      mqtt: { url: this.world.urls.mqtt, namespace: this.world.namespace, gateways: this.world.fixture.gateways.map((g) => ({ apId: g.ap_id, secret: g.secret })) },
      face: { providerUrl: this.world.faceProviderUrl },
      // The gateway levers are the embedded broker's (DESIGN §12): an external broker offers none.
      ...(this.world.broker ? { link: linkFacet(ctl, { ackTimeoutMs: this.ackTimeoutMs, reconnectWaitMs: 3000, simulated: true }) } : {}),
      ...(other ? { otherApp: { appId: other.app_id, appSecret: other.app_secret } } : {}),
    };
  }

  // Each test starts from its own seed (the run's, forked by the test's titles), whichever worker runs it.
  reset(): Promise<void> {
    return this.world.reset(worldSeed());
  }

  worldNow(): number {
    return this.world.clock.now();
  }

  watch(wire: WireLog): () => void {
    // An external broker is not ours to tap: the wire log then holds HTTP and pushes only.
    if (!this.world.broker) return () => undefined;
    return this.world.broker.onPublish((topic, payload) => {
      if (!topic.startsWith('kexin/')) return;
      let body: unknown = payload.toString('utf8');
      try {
        body = JSON.parse(body as string);
      } catch {
        // Not JSON: shown as text, which is what a malformed message looks like.
      }
      wire.add('mqtt', topic, body);
    });
  }

  close(): Promise<void> {
    return this.world.close();
  }
}
