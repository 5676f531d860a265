import { readFileSync } from 'node:fs';
import { WorldClock } from '../clock/index.ts';
import type { LockEvent } from '../protocol/index.ts';
import { defaultLockSpec, type LockSpecInput } from './defaults.ts';
import { VirtualLock } from './lock.ts';

/** The secret of the contract vectors' lock 1000001. */
export const SECRET = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';

/** fixtures/contract-vectors.json. */
export const vectors = JSON.parse(readFileSync(new URL('../../fixtures/contract-vectors.json', import.meta.url), 'utf8'));

/** A lock 1000001 on a frozen world clock at `start`, with every event it emits collected. */
export function setup(start: number, spec: Partial<LockSpecInput> = {}) {
  const world = new WorldClock(start);
  const lock = new VirtualLock(defaultLockSpec({ lockId: 1000001, secretHex: SECRET, ...spec }), world);
  const events: LockEvent[] = [];
  lock.onEvent((ev) => events.push(ev));
  return { world, lock, events };
}
