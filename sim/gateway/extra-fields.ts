/**
 * Fields a gateway may add to what it sends (DESIGN §4: "Messages may carry fields beyond those
 * named here; a receiver ignores what it does not know"): a firmware tag, a per-message counter and
 * a nested vendor object — none of them a name §4 uses. The counter differs on every message, so a
 * repeated ack (DESIGN §4 "the same ack") is the same in §4's fields only: a receiver that compares
 * whole bodies instead of the named fields is caught.
 */
export interface ExtraFields {
  /** Add the extras to `body` (a new object; §4's fields are kept as they are and win over any clash). */
  dress<T extends object>(body: T): T;
}

/** §4's field names (status, cmd, ack, event and their event types): extras never use one. */
const CONTRACT_NAMES = new Set([
  'online', 'id', 'lock_id', 'op', 'args', 'result', 'data', 'event_id', 'type',
  'mode', 'uid', 'lock_time', 'battery_pct', 'low_voltage', 'is_abnormal',
]);

const EXTRA = { fw: 'lockbench-virtual/1.0', vendor: { radio: 'sub-ghz', rssi_dbm: -61 } };

/** No extras: bodies go out as §4 names them. */
export const NO_EXTRAS: ExtraFields = { dress: (body) => body };

/** Extras on every message, with `msg_seq` counting this gateway's messages from 1. */
export function extraFields(): ExtraFields {
  let seq = 0;
  return {
    dress<T extends object>(body: T): T {
      return { ...EXTRA, msg_seq: ++seq, ...body };
    },
  };
}

/** Whether a name is one of §4's (for tests: the extras must not shadow one). */
export function isContractField(name: string): boolean {
  return CONTRACT_NAMES.has(name);
}
