import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CloudStore } from './store.ts';
import type { AppRecord, LockRecord } from './types.ts';

function lock(lockId: number, corpId: number, apId: number | null, isDel = false): LockRecord {
  return {
    lockId, mac: `AA:BB:CC:00:00:${lockId.toString(16).padStart(2, '0')}`, secretHex: '00', corpId, name: '', descr: '',
    master: { name: '', tel: '' }, deviceVer: '', firmwareVer: '', isInit: true, isBind: true, isDel,
    initAt: '', bindAt: '', seqStart: 1, members: [], apId,
  };
}

const app = (appId: string, corpIds: number[]): AppRecord => ({ appId, appSecret: 's', corpIds, pushUrl: null });

// DESIGN §3.4 type 1: a gateway's status goes to every app with a live lock behind it, and to no other.
test('appsForGateway: apps whose corps own a live lock behind the gateway', () => {
  const store = new CloudStore(
    [app('a1', [1]), app('a2', [2]), app('a3', [3]), app('a12', [1, 2])],
    [lock(1, 1, 10), lock(2, 2, 10), lock(3, 3, 10, true), lock(4, 3, 20), lock(5, 1, null)],
  );
  assert.deepEqual(store.appsForGateway(10).map((a) => a.appId), ['a1', 'a2', 'a12']);
  assert.deepEqual(store.appsForGateway(20).map((a) => a.appId), ['a3']);
  assert.deepEqual(store.appsForGateway(30), []);
});
