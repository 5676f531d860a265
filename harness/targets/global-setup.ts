import { probeLab } from './lab/preflight.ts';
import gatewaySetup from './gateway/setup.ts';
import { preflight } from './core/preflight.ts';
import { tapPreflight } from './sim/mqtt-tap.ts';

/**
 * Playwright global setup: a run that cannot start stops once, up front, with the reason (DESIGN §11),
 * instead of failing every test. The lab target also says once that it runs one worker.
 */
export default async function globalSetup(): Promise<void | (() => Promise<void>)> {
  // Seed, settings and the remote clock first (DESIGN §11): a run that cannot start stops here, once.
  await preflight();
  await tapPreflight(process.env);
  // DESIGN §12: the gateway target's world lives in this process for the whole run.
  if (process.env.LOCKBENCH_TARGET === 'gateway' && process.env.LOCKBENCH_DEFECT_RUN !== '1') return gatewaySetup();
  if (process.env.LOCKBENCH_TARGET !== 'lab') return;
  try {
    await probeLab(process.env);
  } catch (e) {
    throw new Error(`lockbench lab: not starting: ${(e as Error).message}`);
  }
  process.stdout.write('lockbench lab: one worker (one serial port, one device): tests run one after another\n');
}
