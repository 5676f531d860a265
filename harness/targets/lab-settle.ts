import { setTimeout as sleep } from 'node:timers/promises';
import { SLOT_S, slotOf, tempPassword } from '../../sim/protocol/index.ts';
import { waitUntil } from '../../sim/io/index.ts';
import { LAB_CALL_MS } from './lab-config.ts';
import type { LabSession } from './lab.ts';


/** How far into a fresh slot each test begins, s: far from both slot edges for minutes of real time. */
const START_INTO_SLOT_S = 60;

/** Type the code valid now at world time on the lock (after a sync): its result. */
async function validCode(lab: LabSession): Promise<string> {
  await lab.syncLock();
  return lab.link.keypad(tempPassword(lab.cfg.secretHex, lab.world.clock.now()), LAB_CALL_MS);
}

/**
 * No keypad lockout in force (DESIGN §11): a valid code opens, which also resets the wrong-code count.
 * A lockout counted in lock time (§5.4) ends when the clock moves past it; firmware that counts it
 * otherwise is waited out, bounded by `lockout.seconds`. Throws naming what was left.
 */
async function endLockout(lab: LabSession): Promise<void> {
  const { seconds } = lab.cfg.lockout;
  let r = await validCode(lab);
  if (r === 'locked_out') {
    lab.world.clock.advance(seconds + 1);
    lab.stale = true;
    r = await validCode(lab);
  }
  const deadline = performance.now() + (seconds + 2) * 1000;
  while (r === 'locked_out' && performance.now() < deadline) {
    await sleep(1000);
    r = await lab.link.keypad(tempPassword(lab.cfg.secretHex, lab.world.clock.now()), LAB_CALL_MS);
  }
  if (r === 'locked_out') throw new Error(`lab settle: the keypad is still locked out after moving its clock ${seconds + 1} s on and waiting ${seconds + 2} s of real time`);
  if (r !== 'ok') throw new Error(`lab settle: the code valid now was answered ${r} (want ok)`);
}

/**
 * Before each lab test (DESIGN §11 "The device's state carries over"): gateway faults off, world time
 * on to a fresh slot (never backwards: seqs and the device clock only move on), the lock synced, no
 * lockout, no user password (`pwd_del {uid: 0}` through the cloud, so both sides forget), the events
 * this caused delivered, the inbox empty. Every step that fails throws naming what was left.
 */
export async function settleLab(lab: LabSession): Promise<void> {
  for (const g of lab.world.gateways.values()) {
    g.partitioned = false;
    g.redeliverNext = 0;
    g.latencyMs = 0;
    if (!g.online) await g.setOnline(true);
  }
  lab.world.sink.reset();
  lab.owned = false;
  lab.measuring = false;
  const w = lab.world.clock.now();
  lab.world.clock.set((slotOf(w) + 1) * SLOT_S + START_INTO_SLOT_S);
  lab.stale = true;
  const caps = lab.info.caps;
  if (caps.includes('time_sync')) await lab.syncLock();
  let unlocks = 0;
  if (caps.includes('keypad') && caps.includes('time_sync')) {
    await endLockout(lab);
    unlocks++;
  }
  await lab.api('/third/v2/lock/pwd/del', { lock_id: lab.cfg.lockId, uid: 0 }).catch((e: Error) => {
    throw new Error(`lab settle: pwd_del {uid: 0} failed: ${e.message}`);
  });
  const pushed = () => lab.world.sink.list().filter((p) => (p.body as { type?: number }).type === 2).length;
  await waitUntil('lab settle: the push of the settling code\'s unlock event (pending event not acked?)', () => pushed() >= unlocks, { timeoutMs: 3000 });
  lab.world.sink.reset();
}
