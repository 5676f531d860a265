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
