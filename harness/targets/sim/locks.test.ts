import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseFixture, type Fixture } from '../../../sim/world/fixture.ts';
import { rolesOfFixture } from '../core/fleet.ts';
import { simLocks } from './locks.ts';
import { withParts, type LockHandle } from '../core/facets.ts';

// The sim target's lock handles (DESIGN §8) against a fake control API: world time W, and one lock whose
// clock reads floor(base + (W − W0)·(1 + ppm/10⁶)) — so `setTime` must move the world, not the lock.

function fixture(): Fixture {
  const r = parseFixture(JSON.parse(readFileSync(new URL('../../../fixtures/fleet.json', import.meta.url), 'utf8')));
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.fixture;
}

function fakeControl(lockId: number, driftPpm: number) {
  const w0 = 1_800_000_000;
  let w = w0;
  const calls: string[] = [];
  const lockTime = (): number => Math.floor(1_700_000_000 + (w - w0) * (1 + driftPpm / 1e6));
  const ctl = {
    async call<T>(method: string, path: string, body?: unknown): Promise<T> {
      calls.push(`${method} ${path}`);
      if (method === 'GET' && path === '/world') return { time: w } as T;
      if (method === 'POST' && path === '/clock') {
        w = (body as { set: number }).set;
        return { time: w } as T;
      }
      if (method === 'GET' && path === `/locks/${lockId}`) return { lock_time: lockTime(), trusted: true } as T;
      throw new Error(`fake control: ${method} ${path} is not modelled`);
    },
  };
  return { ctl, calls, world: () => w, lockTime };
}

function mainLock(driftPpm: number) {
  const f = fixture();
  const roles = rolesOfFixture(f, 'fleet.json');
  const id = roles.ids.main!;
  const fake = fakeControl(id, driftPpm);
  const found = simLocks(f, roles, fake.ctl).find('main', 'setTime', 'time');
  if (!('lock' in found)) throw new Error(found.missing);
  return { lock: found.lock, ...fake };
}

test('setTime moves world time until the lock reads exactly the second asked for, forwards and back', async () => {
  const m = mainLock(0);
  await m.lock.setTime(1_700_000_500);
  assert.equal(m.lockTime(), 1_700_000_500);
  assert.equal(m.world(), 1_800_000_500, 'the world moved by the difference');
  await m.lock.setTime(1_699_999_000);
  assert.equal(await m.lock.time(), 1_699_999_000);
  assert.deepEqual(m.calls.slice(0, 4), ['GET /world', 'GET /locks/1000001', 'POST /clock', 'GET /locks/1000001'].map((c) => c.replace('1000001', String(m.lock.id))));
});

test('setTime on a lock whose clock cannot land on the second (fast drift) fails naming both times', async () => {
  const m = mainLock(600_000);
  await assert.rejects(m.lock.setTime(1_700_000_501), new RegExp(`lock ${m.lock.id}: placed its clock at 1700000501, it reads \\d+ \\(a drifting lock cannot be placed exactly\\)`));
});

test('withParts: no lock in a role, and each missing part named with its reason', () => {
  assert.deepEqual(withParts('main', undefined, ['time']), { missing: 'no lock in role "main"' });
  const bare: LockHandle = { id: 7, role: 'main', realTime: true, lockout: { attempts: 5, seconds: 10 }, secretHex: '', seqStart: 0, driftPpm: 0, tolerance: { behind: 0, ahead: 0 } } as LockHandle;
  assert.deepEqual(withParts('main', bare, ['keypad', 'setTime']), { missing: 'lock "main" cannot type on the lock keypad, set the lock\'s clock' });
  const withKeypad = { ...bare, keypad: async () => 'ok' };
  const r = withParts('main', withKeypad, ['keypad']);
  assert.ok('lock' in r && r.lock === withKeypad, 'a lock with every part asked for is given as it is');
});
