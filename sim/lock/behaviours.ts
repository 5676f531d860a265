import { isUint32, MODE } from '../protocol/index.ts';
import type { LockOp, LockResult, StateData, UnlockMode } from '../protocol/index.ts';
import type { LockAnswer, StoredPassword } from './types.ts';

/**
 * The lock's gateway ops (DESIGN §4) as a chain of behaviours (STYLE §5, after zwave-js's mock
 * nodes): each handles one op or returns `undefined` ("not mine"), the lock asks them in order and
 * the first answer wins, so a test puts its own in front of a default with `lock.prepend(...)`.
 */
export type LockBehaviour = (op: LockOp, lock: LockOpContext) => LockAnswer | undefined;

/** What a behaviour may do to the lock: the firmware's own steps, each syncing with world time as it must. */
export interface LockOpContext {
  /** The motor (jammed, below cut-off, or open and spend one actuation), with its unlock event. */
  motorUnlock(mode: UnlockMode, uid: number): LockResult;
  /** DESIGN §5.2 and §5.4: the password check, lockout, then the motor on a match. */
  passwordUnlock(password: string, mode: UnlockMode): LockResult;
  /** `state`'s data (DESIGN §4). */
  state(): StateData;
  /** Store or replace the user password of `p.uid`; a new uid beyond capacity is `full`. */
  addPassword(p: StoredPassword): 'ok' | 'full';
  /** Delete one uid's password, or every one for uid 0; an unknown uid is not an error. */
  deletePasswords(uid: number): void;
}

type OpOf<K extends LockOp['op']> = Extract<LockOp, { op: K }>;

/** A behaviour for the op named `name` only. */
export function onOp<K extends LockOp['op']>(name: K, handle: (op: OpOf<K>, lock: LockOpContext) => LockAnswer | undefined): LockBehaviour {
  return (op, lock) => (op.op === name ? handle(op as OpOf<K>, lock) : undefined);
}

export function answer(result: LockResult): LockAnswer {
  return { result, data: {} };
}

/** `unlock`: the motor from the network (mode 3), on behalf of `uid` (0 when absent). */
export const unlock = onOp('unlock', (op, lock) => answer(lock.motorUnlock(MODE.network, op.args.uid ?? 0)));

/** `state`: battery, abnormal flag and lock time. */
export const state = onOp('state', (_op, lock) => ({ result: 'ok', data: { ...lock.state() } }));

/** `pwd_add`: store a user password; malformed args (possible over lockwire, which has no parser of its own) are `error`. */
export const pwdAdd = onOp('pwd_add', (op, lock) => {
  const { uid, password, start, end } = op.args;
  if (!isUint32(uid) || uid < 1 || !/^\d{6}$/.test(password) || !isUint32(start) || !isUint32(end) || end <= start) {
    return answer('error');
  }
  return answer(lock.addPassword({ uid, password, start, end }));
});

/** `pwd_del`: delete one uid, or all for uid 0; an unknown uid is still `ok`. */
export const pwdDel = onOp('pwd_del', (op, lock) => {
  if (!isUint32(op.args.uid)) return answer('error');
  lock.deletePasswords(op.args.uid);
  return answer('ok');
});

/** `pwd_unlock`: a password checked as the keypad would, in network mode. */
export const pwdUnlock = onOp('pwd_unlock', (op, lock) => answer(lock.passwordUnlock(op.args.password, MODE.network)));

/** The firmware's defaults, one per op of DESIGN §4; an op none of the chain takes is `error`. */
export const DEFAULT_BEHAVIOURS: readonly LockBehaviour[] = [unlock, state, pwdAdd, pwdDel, pwdUnlock];
