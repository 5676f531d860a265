import type { ProfileName } from '../../sim/protocol/index.ts';
import { RemoteSession } from './remote/session.ts';
import type { TargetName, TargetSession } from './core/facets.ts';
import { SimSession } from './sim/session.ts';
import { LabSession } from './lab/session.ts';
import { GatewaySession } from './gateway/session.ts';
import { ReplaySession } from './replay/session.ts';

/** Open a worker's session on the named target. */
export async function openSession(target: TargetName, profile: ProfileName, defects: readonly string[]): Promise<TargetSession> {
  switch (target) {
    case 'sim':
      return SimSession.start({ profile, defects, fixturePath: process.env.LOCKBENCH_FIXTURE, mqttUrl: process.env.LOCKBENCH_MQTT_URL || undefined, mqttTapUrl: process.env.LOCKBENCH_MQTT_TAP_URL || undefined });
    case 'remote':
      return new RemoteSession(profile);
    case 'lab':
      return LabSession.start(profile);
    case 'gateway':
      return GatewaySession.start(profile);
    case 'replay':
      return ReplaySession.open(profile);
  }
}
