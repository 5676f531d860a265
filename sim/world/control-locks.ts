import { isUint32 } from '../protocol/index.ts';
import { FaultDice } from '../random.ts';
import { rateOf } from './control-faults.ts';
import type { WorldParts } from './world-parts.ts';
import { BadInput, ControlError } from './json-http.ts';

type Body = Record<string, unknown>;

function lockOf(world: WorldParts, id: string | undefined) {
  const lock = world.locks.get(Number(id));
  if (!lock) throw new ControlError(404, `no lock ${id}`);
  return lock;
}

const bool = (b: Body, k: string): boolean => {
  if (typeof b[k] !== 'boolean') throw new BadInput(`${k} must be a boolean`);
  return b[k] as boolean;
};
const finite = (b: Body, k: string, min: number, max: number): number => {
  const v = b[k];
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) throw new BadInput(`${k} must be a number in ${min}…${max}`);
  return v;
};

/** `GET /locks/{id}`: the full lock state. */
export function lockView(world: WorldParts, id: string | undefined): unknown {
  const lock = lockOf(world, id);
  // `cloud_uids`: the v2 uids the cloud holds an assignment for (TEST-PLAN V2-04), beside the lock's own `uids`.
  return { ...lock.snapshot(), ap_id: world.apOf.get(lock.lockId) ?? null, cloud_uids: [...(world.cloud?.assignedPasswords(lock.lockId).keys() ?? [])].sort((a, b) => a - b) };
}

/** `POST /locks/{id}/keypad` `{password}`: type a code on the keypad; the lock's result. */
export function lockKeypad(world: WorldParts, body: Body, id: string | undefined): unknown {
  const lock = lockOf(world, id);
  if (typeof body.password !== 'string' || body.password.length > 32) throw new BadInput('password must be a string of at most 32 characters');
  return { result: lock.keypad(body.password) };
}

/** `POST /locks/{id}/ble/unlock` `{uid}`: unlock over Bluetooth as `uid`; the lock's result. */
export function lockBleUnlock(world: WorldParts, body: Body, id: string | undefined): unknown {
  const lock = lockOf(world, id);
  if (!isUint32(body.uid)) throw new BadInput('uid must be an unsigned 32-bit integer');
  return { result: lock.bleUnlock(body.uid) };
}

/** `POST /locks/{id}/ble/time_sync` `{seq, key1, key2}`: carry time-sync keys to the lock (DESIGN §5.3). */
export function lockTimeSync(world: WorldParts, body: Body, id: string | undefined): unknown {
  const lock = lockOf(world, id);
  for (const k of ['seq', 'key1', 'key2']) if (!isUint32(body[k])) throw new BadInput(`${k} must be an unsigned 32-bit integer`);
  return lock.bleTimeSync(body.seq as number, body.key1 as number, body.key2 as number);
}

/** The body of `POST /locks/{id}` (DESIGN §8): the knobs to turn, any subset. */
export interface LockKnobs {
  battery_pct?: number;
  drift_ppm?: number;
  clock_offset_s?: number;
  reachable?: boolean;
  jammed?: boolean;
  tamper?: boolean;
  power?: 'on' | 'off';
  reset_clock?: true;
  /** Share of the lock's radio requests lost (answered `unreachable`), 0…1, drawn from the world's seed. */
  loss_rate?: number;
}

const KNOBS: readonly (keyof LockKnobs)[] = ['battery_pct', 'drift_ppm', 'clock_offset_s', 'reachable', 'jammed', 'tamper', 'power', 'reset_clock', 'loss_rate'];

/** A lock's loss-rate dice, made on first use (forked off the seed by lock id); the fixture's rates use it too. */
export function radioDice(world: WorldParts, lockId: number): FaultDice {
  let dice = world.radioFaults.get(lockId);
  if (!dice) world.radioFaults.set(lockId, (dice = new FaultDice(`radio:${lockId}`, world.seed)));
  return dice;
}

/** `POST /locks/{id}`: turn the lock's knobs (DESIGN §8), all validated before any changes; the new state. */
export function lockKnobs(world: WorldParts, body: Body, id: string | undefined): unknown {
  const lock = lockOf(world, id);
  for (const k of Object.keys(body)) if (!(KNOBS as readonly string[]).includes(k)) throw new BadInput(`${k} is not a lock knob (${KNOBS.join(', ')})`);
  // Validate everything before changing anything, so a bad request changes no state.
  const battery = 'battery_pct' in body ? finite(body, 'battery_pct', 0, 100) : undefined;
  const drift = 'drift_ppm' in body ? finite(body, 'drift_ppm', -1e6, 1e6) : undefined;
  const offset = 'clock_offset_s' in body ? finite(body, 'clock_offset_s', -1e9, 1e9) : undefined;
  const reachable = 'reachable' in body ? bool(body, 'reachable') : undefined;
  const jammed = 'jammed' in body ? bool(body, 'jammed') : undefined;
  const tamper = 'tamper' in body ? bool(body, 'tamper') : undefined;
  if ('power' in body && body.power !== 'on' && body.power !== 'off') throw new BadInput('power must be "on" or "off"');
  if ('reset_clock' in body && body.reset_clock !== true) throw new BadInput('reset_clock must be true');
  const lossRate = 'loss_rate' in body ? rateOf(body.loss_rate, 'loss_rate') : undefined;
  if (battery !== undefined) lock.setBattery(battery);
  if (drift !== undefined) lock.setDrift(drift);
  if (offset !== undefined) lock.setClockOffset(offset);
  if (reachable !== undefined) lock.setReachable(reachable);
  if (jammed !== undefined) lock.setJammed(jammed);
  if (tamper !== undefined) lock.setTamper(tamper);
  if (body.power !== undefined) lock.setPower(body.power === 'on');
  if (body.reset_clock === true) lock.resetClock();
  if (lossRate !== undefined) radioDice(world, lock.lockId).set(lossRate, null, world.seed);
  return lockView(world, id);
}
