import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hotp6, SLOT_S, slotOf } from '../../../sim/protocol/index.ts';
import { codeParts } from './lock-codes.ts';

// The code parts every target's lock handle shares (DESIGN §5.2): the slot's code, and a wrong code no
// slot the lock may accept (its declared tolerance, and at least two either side) would take.

const SECRET = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';

test('codeOf is the slot\'s HOTP code; wrongCode avoids every slot within the tolerance and what is taken', () => {
  const t = 1_700_000_000;
  for (const tolerance of [{ behind: 0, ahead: 0 }, { behind: 5, ahead: 1 }, { behind: 0, ahead: 7 }]) {
    const { codeOf, wrongCode } = codeParts(SECRET, tolerance);
    assert.equal(codeOf(slotOf(t)), hotp6(SECRET, slotOf(t)));
    const wrong = wrongCode(t, ['000000']);
    assert.notEqual(wrong, '000000', 'a taken code is never given');
    const reach = Math.max(2, tolerance.behind + 1, tolerance.ahead + 1);
    for (let d = -reach; d <= reach; d++) assert.notEqual(wrong, codeOf(slotOf(t + d * SLOT_S)), `slot ${d} of ${JSON.stringify(tolerance)}`);
  }
});

test('wrongCode says so when every candidate is taken', () => {
  const taken = Array.from({ length: 10 }, (_, d) => String(d).repeat(6));
  assert.throws(() => codeParts(SECRET).wrongCode(1_700_000_000, taken), /no wrong code/);
});
