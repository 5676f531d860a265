import { roomDefects, seedParts, wrapStep, type RoomDefects, type WhereActs } from '../defects.ts';
import { fail, ok } from './reply.ts';
import { lockDetail } from './endpoints/lock-info.ts';
import type { EventRouter } from './events.ts';
import type { FaceRateLimiter } from './face.ts';
import type { GatewayRpc } from './gateway-rpc.ts';
import type { PushSender } from './push.ts';
import { widenToAnyHour, widenToHourless, widenToUppercase } from './signature.ts';
import type { CloudRules } from './rules.ts';
import type { CloudStore } from './store.ts';

/** A detail made up for a lock that does not exist: what `cloud-unknown-lock-200` answers instead of 350. */
function madeUpDetail(lockId: number): Record<string, unknown> {
  const at = '2016-01-01T00:00:00+08:00';
  return lockDetail({
    lockId, mac: '00:00:00:00:00:00', secretHex: '', corpId: 0, name: '', descr: '', master: { name: '', tel: '' },
    deviceVer: '', firmwareVer: '', isInit: true, isBind: true, isDel: false, initAt: at, bindAt: at,
    seqStart: 1, members: [], apId: null,
  });
}

/** The parts of the cloud whose contract steps a seeded defect may wrap (DESIGN §3). */
export interface CloudParts {
  rules: CloudRules;
  store: CloudStore;
  rpc: GatewayRpc;
  faceRate: FaceRateLimiter;
  events: EventRouter;
  push: PushSender;
}

/**
 * Where each of the cloud's seeded defects (`sim/defects.ts`, room `cloud`) acts: the parts compute
 * the contract, and a defect wraps one of their steps, so no endpoint names a defect.
 */
const ACTS: WhereActs<'cloud', CloudParts> = {
  'cloud-sign-uppercase': ({ rules }) => wrapStep(rules, 'signatureValid', widenToUppercase),
  'cloud-sign-hourless': ({ rules }) => wrapStep(rules, 'signatureValid', widenToHourless),
  'cloud-sign-any-hour': ({ rules }) => wrapStep(rules, 'signatureValid', widenToAnyHour),
  'cloud-sign-img-code': ({ rules }) => wrapStep(rules, 'signExclude', () => () => []),
  'cloud-unknown-lock-200': ({ rules }) =>
    wrapStep(rules, 'unknownLock', (unknown) => (path, key) =>
      (path === '/third/lock/get' && 'lockId' in key ? ok(madeUpDetail(key.lockId)) : unknown(path, key))),
  'cloud-360-for-362': ({ rules }) => wrapStep(rules, 'noGateway', () => () => fail('offline', 'lock is not online')),
  'cloud-seq-reuse': ({ store }) => wrapStep(store, 'nextSeqOf', () => (lock) => lock.seqStart),
  'cloud-keep-pwd-after-failed-write': ({ rules }) => wrapStep(rules, 'keepsFailedWrite', () => () => true),
  'cloud-push-duplicate': ({ events }) => wrapStep(events, 'isRedelivery', () => () => false),
  'cloud-no-push-retry': ({ push }) => wrapStep(push, 'mayRetry', () => () => false),
  'cloud-pwd-window-over-ok': ({ rules }) => wrapStep(rules, 'windowOver', () => () => false),
  'cloud-no-corp-check': ({ rules }) => wrapStep(rules, 'mayUse', () => () => true),
  'cloud-no-face-rate-limit': ({ faceRate }) => wrapStep(faceRate, 'tryAttempt', () => () => true),
  'cloud-busy-ignored': ({ rpc }) => wrapStep(rpc, 'inFlight', () => () => false),
  // A wrong type on the wire, as the state/get answer carries it (DESIGN §3.3): only the OpenAPI check sees it.
  'cloud-state-flag-as-string': ({ store }) =>
    wrapStep(store, 'lastKnown', (known) => (lockId) => ({ ...known(lockId), low_voltage: String(known(lockId).low_voltage) as unknown as boolean })),
};

/** The cloud defects switched on in `defects` (other rooms' names ignored, unknown ones refused). */
export function cloudDefects(defects: readonly string[] | undefined): RoomDefects<'cloud'> {
  return roomDefects('cloud', defects);
}

/** Seed the cloud's parts with the defects switched on, in registry order. */
export function seedCloud(on: RoomDefects<'cloud'>, parts: CloudParts): void {
  seedParts('cloud', on, ACTS, parts);
}
