/**
 * The two number shapes every wire of the contract uses (DESIGN §3.2 "uint32 fields", §4, §6): a
 * uint32, and an id — a uint32 that is not 0 (lock ids, ap ids, uids). One definition, so the HTTP
 * checks, MQTT and lockwire parsers, the control API and the harness cannot disagree on a bound.
 */
export const UINT32_MAX = 0xffffffff;

/** An integer in 0…4294967295. */
export const isUint32 = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= UINT32_MAX;

/** An id: an integer in 1…4294967295. */
export const isUint32Id = (v: unknown): v is number => isUint32(v) && v >= 1;
