import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SLOT_S, tempPassword } from '../../../sim/protocol/index.ts';
import type { LockResult } from '../../../sim/protocol/index.ts';
import { settleLab, type SettleDeps } from './settle.ts';

// settleLab (DESIGN §11 "The device's state carries over") against fakes that log every step: the order
// of the steps, world time only forwards into a fresh slot, the lockout ended only where the device has a
// keypad and time sync, and every failure naming what was left.

const SECRET = '00112233445566778899aabbccddeeff';

function fakes(o: { caps?: string[]; apiFails?: boolean; pushes?: number } = {}) {
  const log: string[] = [];
  let w = 1_800_000_123;
  let pushes = 0;
  const d: SettleDeps = {
    clock: {
      startTest: () => void log.push('startTest'),
      now: () => w,
      set: (t: number) => {
        log.push(`set ${t}`);
        return (w = t);
      },
      sync: async () => void log.push('sync'),
      endLockout: async (seconds: number, validCode: () => Promise<LockResult>) => {
        log.push(`endLockout ${seconds}`);
        log.push(`code ${await validCode()}`);
        pushes += o.pushes ?? 1;
      },
    },
    caps: o.caps ?? ['keypad', 'time_sync', 'clock'],
    lockout: { seconds: 12 },
    secretHex: SECRET,
    keypad: async (code) => (code === tempPassword(SECRET, w) ? 'ok' : 'bad_password'),
    clearFaults: async () => void log.push('clearFaults'),
    api: async (path, fields) => {
      log.push(`api ${path} ${JSON.stringify(fields)}`);
      if (o.apiFails) throw new Error('answered 360');
      return {};
    },
    lockId: 4100007,
    pushesOfType: (type) => (type === 2 ? pushes : 0),
    clearPushes: () => void log.push('clearPushes'),
    pushWaitMs: 200,
    deviceFaults: () => [],
  };
  return { d, log, world: () => w };
}

test('settle: faults off, inbox empty, a fresh slot 60 s in, synced, lockout ended with a valid code, user passwords gone, inbox empty', async () => {
  const f = fakes();
  await settleLab(f.d);
  const slotStart = (Math.floor(1_800_000_123 / SLOT_S) + 1) * SLOT_S;
  assert.deepEqual(f.log, [
    'clearFaults', 'clearPushes', 'startTest', `set ${slotStart + 60}`, 'sync', 'endLockout 12', 'code ok',
    'api /third/v2/lock/pwd/del {"lock_id":4100007,"uid":0}', 'clearPushes',
  ]);
  assert.ok(f.world() > 1_800_000_123, 'world time only moves on');
});

test('settle on a device without keypad or time sync does not try to end a lockout nor wait for its push', async () => {
  const f = fakes({ caps: ['clock'] });
  await settleLab(f.d);
  assert.ok(!f.log.some((l) => l.startsWith('endLockout')), f.log.join(', '));
  assert.equal(f.log.at(-1), 'clearPushes');
});

test('settle fails naming pwd_del when the cloud refuses it', async () => {
  await assert.rejects(settleLab(fakes({ apiFails: true }).d), /lab settle: pwd_del \{uid: 0\} failed: answered 360/);
});

test('settle fails naming the missing push when the settling unlock is never delivered', async () => {
  await assert.rejects(settleLab(fakes({ pushes: 0 }).d), /lab settle: the push of the settling code's unlock event/);
});
