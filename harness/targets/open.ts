import type { ProfileName } from '../../sim/protocol/index.ts';
import { RemoteSession } from './remote.ts';
import type { TargetName, TargetSession } from './session.ts';
import { SimSession } from './sim.ts';
import { LabSession } from './lab.ts';

/** Open a session on the named target. */
export async function openSession(target: TargetName, profile: ProfileName, defects: readonly string[]): Promise<TargetSession> {
  switch (target) {
    case 'sim':
      return SimSession.start({ profile, defects, fixturePath: process.env.LOCKBENCH_FIXTURE, mqttUrl: process.env.LOCKBENCH_MQTT_URL || undefined });
    case 'remote':
      return new RemoteSession(profile);
    case 'lab':
      return LabSession.start(profile);
  }
}
