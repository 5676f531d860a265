import type { APIRequestContext } from '@playwright/test';
import { World, loadFixture } from '../../sim/world/index.ts';
import type { ProfileName } from '../../sim/protocol/index.ts';
import type { WireLog } from '../client/wire-log.ts';
import { capabilities } from './capabilities.ts';
import { ControlClient } from './control-client.ts';
import { SIM_FLEET } from './fleet.ts';
import { worldSeed } from './preflight.ts';
import type { TargetSession } from './session.ts';

export interface SimOptions {
  profile: ProfileName;
  /** Fixture file; default fixtures/fleet.json. */
  fixturePath?: string;
  /** Defects to seed (issue 4). */
  defects?: readonly string[];
  /** Cloud ack timeout in ms; specs keep it short. Default 400. */
  ackTimeoutMs?: number;
}

/** The embedded simulator: a fresh world on free ports, frozen time, everything controllable. */
export class SimSession implements TargetSession {
  readonly name = 'sim';
  readonly caps = capabilities(['clock', 'lock', 'gateway', 'push', 'face', 'keypad', 'ble', 'lockTime', 'broker', 'sinkFaults', 'clockReset']);
  readonly fleet = SIM_FLEET;

  private constructor(readonly world: World, readonly profile: ProfileName) {}

  static async start(o: SimOptions): Promise<SimSession> {
    const fixture = await loadFixture(o.fixturePath ?? 'fixtures/fleet.json');
    const world = await World.create(fixture, {
      profile: o.profile,
      time: 'frozen',
      ackTimeoutMs: o.ackTimeoutMs ?? 400,
      lockTimeoutMs: 200,
      pushBackoffMs: 20,
      faceTimeoutMs: 300,
      defects: o.defects,
      seed: worldSeed(),
    });
    return new SimSession(world, o.profile);
  }

  get apiUrl(): string {
    return this.world.urls.api;
  }
  get app() {
    const a = this.world.fixture.apps[0]!;
    return { appId: a.app_id, appSecret: a.app_secret };
  }
  get otherApp() {
    const a = this.world.fixture.apps[1];
    return a && { appId: a.app_id, appSecret: a.app_secret };
  }
  get broker() {
    return { url: this.world.urls.mqtt, gateways: this.world.fixture.gateways.map((g) => ({ apId: g.ap_id, secret: g.secret })) };
  }
  get faceProviderUrl(): string {
    return this.world.faceProviderUrl;
  }

  control(request: APIRequestContext, wire: WireLog): ControlClient {
    return new ControlClient(request, this.world.urls.control, wire);
  }

  worldNow(): number {
    return this.world.clock.now();
  }

  watchMqtt(wire: WireLog): () => void {
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
