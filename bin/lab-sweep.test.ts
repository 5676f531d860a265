import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LAB_CATALOGUE } from '../harness/defects/catalogue.ts';
import { canShow, defectVariants, sweepVariant, sweepVariants } from './lab-sweep.ts';

// The lab sweep (DESIGN §6/§11 freedoms): a variant replays from its seed alone; each defect runs on a
// drawn variant whose caps let its catching checks run.

test('a variant is its seed: the same seed gives the same device flags, line and declared lockout', () => {
  const a = sweepVariant(17);
  assert.deepEqual(sweepVariant(17), a);
  assert.deepEqual(a.deviceFlags.slice(-2), ['--variant', '17']);
  assert.equal(a.env.LOCKBENCH_LOCK_LOCKOUT_S, String(a.variant.lockoutS));
  assert.match(a.line, /^variant 17: cache=/);
  assert.deepEqual(sweepVariants(17, 3).map((v) => v.seed), [17, 18, 19]);
});

test('a defect caught by LAB-03 needs a device with sim; one caught by placing the clock needs clock', () => {
  const base = sweepVariant(1).variant;
  const noCache = LAB_CATALOGUE.find((d) => d.name === 'serial-no-cache')!;
  const slotEnd = LAB_CATALOGUE.find((d) => d.name === 'lock-slot-end-inclusive')!;
  assert.equal(canShow({ ...base, caps: { ble: true, clock: true, sim: false } }, noCache), false);
  assert.equal(canShow({ ...base, caps: { ble: true, clock: true, sim: true } }, noCache), true);
  assert.equal(canShow({ ...base, caps: { ble: true, clock: false, sim: true } }, slotEnd), false);
  const chosen = defectVariants(LAB_CATALOGUE, sweepVariants(5, 2), 5);
  for (const d of LAB_CATALOGUE) assert.ok(chosen.has(d.name) && canShow(chosen.get(d.name)!.variant, d), `${d.name} has a variant that can show it`);
});
