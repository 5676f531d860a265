import { labConfig } from './config.ts';
import { labLink } from './link.ts';
import { LabState, labStatePath } from './state.ts';

/**
 * DESIGN §11: missing settings or a device that does not answer `info` stop a lab run once, before
 * any test. Throws an Error whose message is the reason.
 */
export async function probeLab(env: NodeJS.ProcessEnv): Promise<void> {
  const cfg = labConfig(env);
  const link = labLink(cfg, new LabState(labStatePath(env)));
  try {
    if (!(await link.whenOpen(5000))) throw new Error(`lab: cannot open the serial port ${cfg.path} (LOCKBENCH_SERIAL) within 5 s`);
    const info = await link.info(3000);
    if (!info.ok) throw new Error(`lab: the device on ${cfg.path} does not answer info (${info.result})`);
    if (info.info.lock_id !== cfg.lockId) throw new Error(`lab: the device on ${cfg.path} is lock ${info.info.lock_id}, not LOCKBENCH_LOCK_ID ${cfg.lockId}`);
  } finally {
    await link.close();
  }
}
