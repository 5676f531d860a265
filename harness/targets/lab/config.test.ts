import { test } from 'node:test';
import assert from 'node:assert/strict';
import { labConfig } from './config.ts';
import { probeLab } from './preflight.ts';

const GOOD = { LOCKBENCH_SERIAL: '/dev/null-port', LOCKBENCH_LOCK_ID: '3001', LOCKBENCH_LOCK_SECRET: '5e7a0c1f9b3d4e6a8c2b1d0f3e5a7c9b' };

test('missing lab settings are named, all at once (DESIGN §11)', () => {
  assert.throws(() => labConfig({}), /needs LOCKBENCH_SERIAL, LOCKBENCH_LOCK_ID, LOCKBENCH_LOCK_SECRET/);
  assert.throws(() => labConfig({ ...GOOD, LOCKBENCH_LOCK_SECRET: '' }), /needs LOCKBENCH_LOCK_SECRET\b/);
  assert.throws(() => labConfig({ ...GOOD, LOCKBENCH_LOCK_ID: '0' }), /LOCKBENCH_LOCK_ID must be a lock id/);
  assert.throws(() => labConfig({ ...GOOD, LOCKBENCH_LOCK_SECRET: 'abc' }), /LOCKBENCH_LOCK_SECRET must be 32 hex digits/);
  assert.throws(() => labConfig({ ...GOOD, LOCKBENCH_LOCK_MAX_PPM: 'lots' }), /LOCKBENCH_LOCK_MAX_PPM must be a number of ppm/);
  assert.deepEqual(labConfig({ ...GOOD, LOCKBENCH_LOCK_SECRET: GOOD.LOCKBENCH_LOCK_SECRET.toUpperCase() }),
    { path: '/dev/null-port', lockId: 3001, secretHex: GOOD.LOCKBENCH_LOCK_SECRET, maxPpm: 50, lockout: { attempts: 5, seconds: 60 }, benchControl: undefined, linkDefects: [] });
});

test('the device\'s lockout is a setting with DESIGN §5.4\'s defaults; a bad one names its variable', () => {
  assert.deepEqual(labConfig({ ...GOOD, LOCKBENCH_LOCK_LOCKOUT_ATTEMPTS: '3', LOCKBENCH_LOCK_LOCKOUT_S: '8' }).lockout, { attempts: 3, seconds: 8 });
  assert.deepEqual(labConfig({ ...GOOD, LOCKBENCH_LOCK_LOCKOUT_ATTEMPTS: '', LOCKBENCH_LOCK_LOCKOUT_S: '' }).lockout, { attempts: 5, seconds: 60 });
  assert.throws(() => labConfig({ ...GOOD, LOCKBENCH_LOCK_LOCKOUT_S: '0' }), /LOCKBENCH_LOCK_LOCKOUT_S must be the keypad lockout in seconds, an integer in 1…3600, got "0"/);
  assert.throws(() => labConfig({ ...GOOD, LOCKBENCH_LOCK_LOCKOUT_S: '7.5' }), /LOCKBENCH_LOCK_LOCKOUT_S must be/);
  assert.throws(() => labConfig({ ...GOOD, LOCKBENCH_LOCK_LOCKOUT_ATTEMPTS: 'five' }), /LOCKBENCH_LOCK_LOCKOUT_ATTEMPTS must be the wrong codes in a row/);
});

test('the preflight names a port that cannot be opened, within its bound', async () => {
  const t0 = performance.now();
  await assert.rejects(probeLab({ ...GOOD, LOCKBENCH_SERIAL: '/nonexistent/lockbench-port', LOCKBENCH_LAB_STATE: '/nonexistent/state.json' }), /cannot open the serial port \/nonexistent\/lockbench-port/);
  assert.ok(performance.now() - t0 < 8000);
});

test('LOCKBENCH_LINK_DEFECTS seeds the lab link (read here, at the lab target\'s entry, not in SerialLink); an unknown name names the variable', () => {
  assert.deepEqual(labConfig({ ...GOOD, LOCKBENCH_LINK_DEFECTS: ' link-retransmit-new-seq ' }).linkDefects, ['link-retransmit-new-seq']);
  assert.throws(() => labConfig({ ...GOOD, LOCKBENCH_LINK_DEFECTS: 'link-typo' }), /LOCKBENCH_LINK_DEFECTS: unknown defect "link-typo"/);
  assert.throws(() => labConfig({ ...GOOD, LOCKBENCH_LINK_DEFECTS: 'serial-no-cache' }), /LOCKBENCH_LINK_DEFECTS: defect "serial-no-cache" acts in the serial-lock room/);
});
