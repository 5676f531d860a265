import { expect } from '../harness/fixtures/index.ts';
import type { ApiClient, ApiResponse } from '../harness/client/api-client.ts';
import type { LockWith } from '../harness/targets/core/facets.ts';

// Steps more than one spec file takes; spec files never import each other, so they live in this kit.

/** The lock's clock in whole seconds (DESIGN §2), asserted to be a number. */
export async function lockTime(lock: LockWith<'time'>): Promise<number> {
  const t = await lock.time();
  expect(typeof t, 'lock_time is a number').toBe('number');
  return t;
}

/**
 * Open several locks at once (DESIGN §3.3 open): bodies are signed first so the requests leave in the same tick.
 * `onAnswer` runs as each answer arrives, before the others may have.
 */
export async function openAtOnce(api: ApiClient, locks: number[], onAnswer?: (r: ApiResponse<null>) => void): Promise<ApiResponse<null>[]> {
  const bodies = await Promise.all(locks.map((lock_id) => api.signedBody('/third/lock/open', { lock_id, attach: '' })));
  return Promise.all(bodies.map(async (b) => {
    const r = await api.send<null>('/third/lock/open', {}, { rawBody: JSON.stringify(b) });
    onAnswer?.(r);
    return r;
  }));
}
