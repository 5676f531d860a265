/** What a lock (through its gateway) answers to a command (DESIGN §4 `RESULT`). */
export type LockResult =
  | 'ok'
  | 'unreachable'
  | 'busy'
  | 'jammed'
  | 'low_battery'
  | 'bad_password'
  | 'expired'
  | 'no_time'
  | 'locked_out'
  | 'full'
  | 'error';

/** A command answer from a lock (DESIGN §4 ack, §6 lockwire response): result plus `data` (empty unless said). */
export interface LockAnswer {
  result: LockResult;
  data: Record<string, unknown>;
}

export const LOCK_RESULTS: readonly LockResult[] = [
  'ok', 'unreachable', 'busy', 'jammed', 'low_battery', 'bad_password', 'expired', 'no_time', 'locked_out', 'full', 'error',
];

/**
 * What a lock answers to a Bluetooth time sync. DESIGN §4 has no result for it; TEST-PLAN TSYNC-02
 * names `replay`, and a forged key2 is `bad_key`.
 */
export type TimeSyncResult = 'ok' | 'replay' | 'bad_key' | 'unreachable';

/** Unlock modes of the unlock log (DESIGN §3.4 type 2). */
export const MODE = { keypad: 1, bluetooth: 2, network: 3 } as const;
export type UnlockMode = (typeof MODE)[keyof typeof MODE];
