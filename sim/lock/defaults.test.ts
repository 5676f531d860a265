import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultLockSpec } from './defaults.ts';

// DESIGN §13 memory per lock: locks with the same tolerance and lockout share one frozen object each.
test('defaultLockSpec: equal tolerances and lockouts are one frozen object; different ones keep their values', () => {
  const a = defaultLockSpec({ lockId: 1, secretHex: '00' });
  const b = defaultLockSpec({ lockId: 2, secretHex: '00' });
  const c = defaultLockSpec({ lockId: 3, secretHex: '00', tolerance: { behind: 7 }, lockout: { attempts: 9 } });
  assert.equal(a.tolerance, b.tolerance);
  assert.equal(a.lockout, b.lockout);
  assert.ok(Object.isFrozen(a.tolerance) && Object.isFrozen(a.lockout));
  assert.throws(() => { (a.tolerance as { behind: number }).behind = 99; }, TypeError);
  assert.equal(c.tolerance.behind, 7);
  assert.equal(c.tolerance.ahead, a.tolerance.ahead);
  assert.equal(c.lockout.attempts, 9);
  assert.notEqual(c.tolerance, a.tolerance);
});
