import type { LockEvent } from '../protocol/index.ts';
import { roomDefects, seedParts, wrapStep, type WhereActs } from '../defects.ts';

/**
 * The steps of a serial lock (DESIGN §6) a seeded defect may wrap, each as the contract has it: a bad
 * CRC drops the frame and the device resynchronises on the next flag; a repeated seq may be answered
 * from the device's answer cache; an event goes on the wire as the lock recorded it.
 */
export interface SerialLockSeams {
  /** What a frame with a bad CRC does to the device: nothing beyond its loss. */
  afterBadCrc(): 'resync' | 'mute';
  /** Whether the answer cache may answer a repeated seq (DESIGN §6 "Answer caches"). */
  cacheAnswers(): boolean;
  /** The event as the device sends it. */
  eventOnWire(event: LockEvent): LockEvent;
}

const CONTRACT_SEAMS: SerialLockSeams = Object.freeze({
  afterBadCrc: () => 'resync' as const,
  cacheAnswers: () => true,
  eventOnWire: (event: LockEvent) => event,
});

/** Where each of the serial lock's seeded defects (`sim/defects.ts`, room `serial-lock`) acts. */
const ACTS: WhereActs<'serial-lock', SerialLockSeams> = {
  // Acts again on a repeated seq: TEST-PLAN LAB-03 sees two actuations.
  'serial-no-cache': (s) => wrapStep(s, 'cacheAnswers', () => () => false),
  'serial-mute-after-bad-crc': (s) => wrapStep(s, 'afterBadCrc', () => () => 'mute'),
  // A lock time no clock can hold: the host must refuse it and TEST-PLAN LAB-01 name it.
  'serial-event-lock-time-out-of-range': (s) => wrapStep(s, 'eventOnWire', (onWire) => (event) => (event.type === 'unlock' ? { ...onWire(event), lock_time: 1e300 } : onWire(event))),
};

/** The seams of a serial lock seeded with `defects` (other rooms' names ignored, unknown ones refused). */
export function serialLockSeams(defects: readonly string[] = []): SerialLockSeams {
  if (defects.length === 0) return CONTRACT_SEAMS;
  const seams = { ...CONTRACT_SEAMS };
  seedParts('serial-lock', roomDefects('serial-lock', defects), ACTS, seams);
  return seams;
}
