import { createHash } from 'node:crypto';
import type { JsonObject } from '../../sim/protocol/lockwire.ts';

/**
 * The host's record of its lockwire seq space (DESIGN §6 "Answer caches"). A device may answer from
 * its cache (a) a request whose seq and payload bytes equal an earlier one's, for as long as it keeps
 * that answer — forever, across host runs — and (b) any request whose seq it saw less than 10 s ago.
 * So the host, which owns the seq space, never reuses a seq within 10 s, never sends a new request
 * whose seq and payload equal the last one sent with that seq, and keeps both across runs (the lab
 * state file, DESIGN §11). Retransmissions (same seq, same bytes, within the 500 ms rhythm) are the
 * one reuse the contract wants.
 */

/** DESIGN §6: a seq seen less than this long ago may be answered from the cache whatever the payload. */
export const SEQ_QUIET_MS = 10_000;

/** What the host sent last under one seq: when (wall-clock ms, comparable across processes) and which payload. */
export interface SeqUse {
  atMs: number;
  /** A digest of the payload bytes. */
  key: string;
}

export interface SeqLedger {
  /** The last use of `seq`, if any. */
  last(seq: number): SeqUse | undefined;
  /** Record a use before the frame is sent (a crash after sending must not lose it). */
  use(seq: number, use: SeqUse): void;
  /** The seq used most recently (where the next search starts), or 0. */
  readonly lastSeq: number;
}

/** The digest a ledger keeps of a payload: equal bytes on the wire ⇔ equal keys. */
export function payloadKey(payload: JsonObject): string {
  return createHash('sha256').update(JSON.stringify(payload)).digest('hex').slice(0, 16);
}

/** A ledger that lives as long as the process (a bridge, a test): enough when nothing outlives it. */
export function memoryLedger(): SeqLedger {
  const uses = new Map<number, SeqUse>();
  let lastSeq = 0;
  return {
    last: (seq) => uses.get(seq),
    use(seq, u) {
      uses.set(seq, u);
      lastSeq = seq;
    },
    get lastSeq() {
      return lastSeq;
    },
  };
}

/**
 * The seq a new request with payload `key` may take at `nowMs`: the first after the ledger's last
 * one (1…255, wrapping; 0 is left to raw probes) that is not in flight, was not used in the last
 * 10 s, and was not last used with this very payload. `undefined` when none is free now; then
 * `freeAtMs` says when the first one will be.
 */
export function pickSeq(ledger: SeqLedger, key: string, nowMs: number, inFlight: (seq: number) => boolean): { seq: number } | { freeAtMs: number } {
  let freeAtMs = Infinity;
  for (let i = 1; i <= 255; i++) {
    const seq = ((ledger.lastSeq + i - 1) % 255) + 1;
    if (inFlight(seq)) continue;
    const u = ledger.last(seq);
    if (!u) return { seq };
    if (u.key === key) continue;
    if (nowMs - u.atMs >= SEQ_QUIET_MS) return { seq };
    freeAtMs = Math.min(freeAtMs, u.atMs + SEQ_QUIET_MS);
  }
  return { freeAtMs };
}
