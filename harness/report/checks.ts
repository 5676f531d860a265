/**
 * The check IDs of TEST-PLAN.md (copied so the project stands alone): the rows of the
 * conformance matrix. A check with no test at all shows as "missing", which fails the run.
 */
export interface Check {
  id: string;
  area: string;
  title: string;
}

export const CHECKS: readonly Check[] = [
  { id: "SIGN-01", area: "SIGN", title: "The published vector signs to `a707c749d0e02a7d8e7a4d670e8632c3`; a correctly signed `lock/get` → 200." },
  { id: "SIGN-02", area: "SIGN", title: "Uppercase hex, a sign for another body, a missing `sign`, an unknown `app_id` → 401 / 400 per §3.2; never 200." },
  { id: "SIGN-03", area: "SIGN", title: "Tampering any signed field after signing (lock_id, effective_at, attach) → 401." },
  { id: "SIGN-04", area: "SIGN", title: "`img_code` is outside the signature on `open/face` (changing it keeps the sign valid); everywhere else every field is inside." },
  { id: "SIGN-05", area: "SIGN", title: "Hour buckets: signed for `W ± sign_skew_s` accepted; 2 hours old or ahead → 401 (C)." },
  { id: "SIGN-06", area: "SIGN", title: "Canonical form: CJK `name` signed as raw UTF-8, `attach: \"\"` kept, key order and whitespace of the sent body do not matter." },
  { id: "SIGN-07", area: "SIGN", title: "The `k=v&…+secret` scheme and the hour-less scheme are refused." },
  { id: "ENV-01", area: "ENV", title: "Every response, on every endpoint, is `{code, desc, data}` JSON; `data` null on errors." },
  { id: "ENV-02", area: "ENV", title: "Malformed JSON, a JSON array, an empty body, wrong content → 400; GET → 405; unknown path → 404; body > 256 KiB → 413." },
  { id: "ENV-03", area: "ENV", title: "Each uint32 field: string, float, negative, 0 where not allowed, 2^32, missing → 400 naming the field." },
  { id: "ENV-04", area: "ENV", title: "Unknown lock 350; deleted lock 350; another corp's lock 354 — on every lock endpoint." },
  { id: "ENV-05", area: "ENV", title: "Random bodies (property-based) never produce a 5xx nor a non-envelope answer, and the world keeps serving." },
  { id: "INFO-01", area: "INFO", title: "`lock/get` returns every documented field with its type; times are RFC 3339 with +08:00." },
  { id: "INFO-02", area: "INFO", title: "`by_mac/get`: upper/lower case MAC → same lock; malformed → 400; unknown → 350." },
  { id: "PWD-01", area: "PWD", title: "`password` is a string of exactly 6 digits (leading zeros kept); matches the vectors." },
  { id: "PWD-02", area: "PWD", title: "Deterministic per (lock, slot); differs across adjacent slots and across locks." },
  { id: "PWD-03", area: "PWD", title: "`expire` other than 300 → 400; `effective_at` inside a slot → same password as the slot start (2017-03); non-multiple → 400 (2017-10)." },
  { id: "PWD-04", area: "PWD", title: "Window already over → 357; current or future window → 200." },
  { id: "PWD-05", area: "PWD", title: "Lock acceptance at lock time: slot start (accept), slot end − 1 s (accept), slot end (refuse), slot start − 1 s (refuse) (C, L)." },
  { id: "PWD-06", area: "PWD", title: "Tolerance: a lock declaring `behind/ahead` accepts exactly the widened window (C, L)." },
  { id: "PWD-07", area: "PWD", title: "Reuse within the window works; a wrong code counts toward lockout; after `attempts` wrong codes the keypad is locked out for `seconds`, then works again (C, L)." },
  { id: "DRIFT-01", area: "PWD", title: "A lock at +N ppm accumulates the predicted offset over simulated days (C, L)." },
  { id: "DRIFT-02", area: "PWD", title: "Once drift exceeds one slot, the code for the true slot is refused; after a time sync it is accepted (C, L)." },
  { id: "DRIFT-03", area: "PWD", title: "Power loss freezes the clock; after power on codes fail by the outage; a reset clock refuses every code (`no_time`) until synced (C, L)." },
  { id: "TSYNC-01", area: "PWD", title: "`seq/get` returns uint32 `seq, key1, key2`; `seq` strictly increases per lock; keys match the vectors." },
  { id: "TSYNC-02", area: "PWD", title: "Keys delivered to the lock set its clock to the issue time; an older seq after a newer one → `replay`; a forged key2 → refused." },
  { id: "TSYNC-03", area: "PWD", title: "`result`: state 1/2 → 200; same state twice → 200; other state → 400; unknown seq / another lock's seq → 400; after TTL → 357; state 0, 3, \"1\" → 400." },
  { id: "GW-01", area: "GW", title: "`lock/open` → 200; the lock records a network unlock; push type 2 mode 3 result 1 (P)." },
  { id: "GW-02", area: "GW", title: "No AP → 362; gateway offline → 360; lock unreachable/power off → 360; jammed → 359; battery under cut-off → 359; partitioned gateway → 359 within ack timeout + margin (G, L)." },
  { id: "GW-03", area: "GW", title: "Two concurrent opens of one lock → one 200, one 365; opens of different locks run in parallel." },
  { id: "GW-04", area: "GW", title: "A redelivered command (same id) does not actuate twice; the push is not duplicated." },
  { id: "GW-05", area: "GW", title: "Gateway disconnect and reconnect → push type 1 false then true; `state/get` meanwhile → 200 `online:false` (G, P)." },
  { id: "STATE-01", area: "GW", title: "`state/get` reflects live `is_abnormal` (tamper, lockout) and `low_voltage`; last known flags when offline (L)." },
  { id: "STATE-02", area: "GW", title: "Battery falling under the threshold → `low_voltage` true and exactly one push type 3 with `remain`; re-armed after recharge (L, P)." },
  { id: "FACE-01", area: "FACE", title: "Member with matching image → 200 and a network unlock with the member's uid (P)." },
  { id: "FACE-02", area: "FACE", title: "Invalid ID check digit or length → 400; name empty → 400; bad base64 → 400; image > 100 KiB decoded → 413." },
  { id: "FACE-03", area: "FACE", title: "Mismatch → 358; not a member → 354; provider 5xx or timeout → 502 (F)." },
  { id: "FACE-04", area: "FACE", title: "More than `face_rate.max` attempts per window → 327; allowed again after the window (C)." },
  { id: "FACE-05", area: "FACE", title: "Face OK but lock offline → 360 (the order of checks is the contract's)." },
  { id: "PUSH-01", area: "PUSH", title: "Bodies match the documented shapes; `time` is the lock's clock in `YYYY-MM-DD HH:MM:SS`." },
  { id: "PUSH-02", area: "PUSH", title: "A receiver answering 500 twice then 200 gets the message once more, in order per lock." },
  { id: "PUSH-03", area: "PUSH", title: "Keypad (mode 1) and bluetooth (mode 2) unlocks are pushed with their mode and uid." },
  { id: "SEC-01", area: "SEC", title: "Anonymous MQTT clients, wrong gateway secrets, and a gateway publishing to another gateway's topics or subscribing to its `cmd` are refused." },
  { id: "SEC-02", area: "SEC", title: "A replayed identical signed request within the hour is accepted (the documented scheme has no nonce) and the report flags it as a finding; `img_code` swap likewise." },
  { id: "LAB-01", area: "LAB", title: "The codec round-trips every frame and matches the vectors; garbage, bad CRC and split reads resynchronise." },
  { id: "LAB-02", area: "LAB", title: "The same specs that need only C-through-time-sync, keypad and bluetooth pass against the serial lock." },
  { id: "LAB-03", area: "LAB", title: "A lost response is retransmitted with the same seq and acted on once." },
  { id: "LAB-04", area: "LAB", title: "Unplugging the port (closing the pty) mid-command → 360/359 within the timeout, and the bridge reconnects when the port returns." },
];
