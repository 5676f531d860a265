import { FRAME_TYPE, parseResponse, requestPayload, type JsonObject, type RequestFrame, type WireAnswer } from '../../sim/protocol/lockwire.ts';

export interface RequestsOptions {
  /** Sends of one request in all (DESIGN §6: 3). */
  tries: number;
  /** Wait for a response before sending again under the same seq, ms (DESIGN §6: 500). */
  retransmitMs: number;
  /** Whether the port can take a frame now. */
  isOpen(): boolean;
  /** Put a frame on the wire. */
  send(frame: RequestFrame): void;
  /** `link-retransmit-new-seq`: retransmit under a fresh seq (a seeded defect; breaks LAB-03). */
  newSeqOnRetransmit?: boolean;
  /** The first request's seq, 1…255 (a host that restarts may start elsewhere than 1). Default 1. */
  firstSeq?: number;
  /**
   * Called before the seqs up to `lastSeq` (u8, wrapping) are used, SEQ_LEASE at a time, so that
   * the host can keep it: a restarted host continues after it (DESIGN §6 is silent; see lab-state).
   * A throw fails the request that needed the lease. Default: none kept.
   */
  reserve?: (lastSeq: number) => void;
  /** Real milliseconds, for round-trip times (transport time, not world time). Default performance.now. */
  nowMs?: () => number;
}

/** Round trips of answered requests: from the last send of a request to its response, ms. */
export interface RoundTripStats {
  count: number;
  lastMs: number;
  minMs: number;
  maxMs: number;
  meanMs: number;
}

export interface RequestStats {
  retransmits: number;
  /** Requests that ended `unreachable`: no answer in time, or the port went away mid-command. */
  timeouts: number;
  /** Responses for no request in flight (late answers after a retransmit was answered). */
  strayResponses: number;
  /** Responses whose payload is not `{result, data}` with a known result. */
  badResponses: number;
  roundTrip: RoundTripStats;
}

interface Pending {
  seq: number;
  payload: JsonObject;
  sends: number;
  sentAtMs: number;
  timer?: NodeJS.Timeout;
  finish(answer: WireAnswer, timedOut: boolean): void;
}

/** Seqs reserved at a time through `reserve`: one write per this many requests. */
export const SEQ_LEASE = 32;

/** What a request that cannot be answered resolves to. */
export const UNREACHABLE: WireAnswer = { result: 'unreachable', data: {} };

/**
 * The host's requests in flight (DESIGN §6): a seq per request (u8, wrapping, never one in use),
 * retransmission under the same seq, and an answer for every request within its timeout.
 */
export class Requests {
  readonly stats: RequestStats = {
    retransmits: 0, timeouts: 0, strayResponses: 0, badResponses: 0, roundTrip: { count: 0, lastMs: NaN, minMs: NaN, maxMs: NaN, meanMs: NaN },
  };
  private readonly pending = new Map<number, Pending>();
  private seq: number;
  /** Seqs still reserved after `seq`. */
  private leased = 0;
  private readonly nowMs: () => number;
  private rttSumMs = 0;

  constructor(private readonly opts: RequestsOptions) {
    const first = opts.firstSeq ?? 1;
    if (!Number.isInteger(first) || first < 1 || first > 255) throw new RangeError(`firstSeq must be 1…255, got ${first}`);
    this.seq = first - 1;
    this.nowMs = opts.nowMs ?? (() => performance.now());
  }

  /** Send `op` and resolve with its response, or `unreachable` after `timeoutMs` at the latest. */
  call(op: string, args: JsonObject, timeoutMs: number): Promise<WireAnswer> {
    return new Promise((resolve) => {
      let overall: NodeJS.Timeout | undefined;
      const p: Pending = {
        seq: this.nextSeq(),
        payload: requestPayload(op, args),
        sends: 0,
        sentAtMs: 0,
        finish: (answer, timedOut) => {
          clearTimeout(p.timer);
          clearTimeout(overall);
          if (this.pending.get(p.seq) === p) this.pending.delete(p.seq);
          if (timedOut) this.stats.timeouts++;
          resolve(answer);
        },
      };
      overall = setTimeout(() => p.finish(UNREACHABLE, true), timeoutMs);
      this.pending.set(p.seq, p);
      this.attempt(p);
    });
  }

  /** A response arrived: settle its request. */
  onResponse(seq: number, payload: JsonObject): void {
    const p = this.pending.get(seq);
    if (!p || p.sends === 0) {
      this.stats.strayResponses++;
      return;
    }
    this.noteRoundTrip(this.nowMs() - p.sentAtMs);
    const a = parseResponse(payload);
    if (typeof a === 'string') this.stats.badResponses++;
    p.finish(typeof a === 'string' ? { result: 'error', data: { reason: a } } : a, false);
  }

  /** The port is open: send what waited for it. */
  sendWaiting(): void {
    for (const p of [...this.pending.values()]) if (p.sends === 0) this.attempt(p);
  }

  /** The port went away: what was sent can no longer be answered (TEST-PLAN LAB-04); unsent requests wait. */
  failSent(): void {
    for (const p of [...this.pending.values()]) if (p.sends > 0) p.finish(UNREACHABLE, true);
  }

  /** The link is closing: answer everything `unreachable` now. */
  failAll(): void {
    for (const p of [...this.pending.values()]) p.finish(UNREACHABLE, false);
  }

  /** The round trip of an answer to the last send (a retransmit answered late counts from its resend). */
  private noteRoundTrip(ms: number): void {
    const r = this.stats.roundTrip;
    this.rttSumMs += ms;
    r.count += 1;
    r.lastMs = ms;
    r.minMs = r.count === 1 ? ms : Math.min(r.minMs, ms);
    r.maxMs = r.count === 1 ? ms : Math.max(r.maxMs, ms);
    r.meanMs = this.rttSumMs / r.count;
  }

  private nextSeq(): number {
    for (let i = 0; i < 256; i++) {
      if (this.opts.reserve && this.leased === 0) {
        this.opts.reserve((this.seq + SEQ_LEASE) & 0xff);
        this.leased = SEQ_LEASE;
      }
      this.leased--;
      this.seq = (this.seq + 1) & 0xff;
      if (!this.pending.has(this.seq)) return this.seq;
    }
    throw new Error('256 lockwire requests in flight');
  }

  /** DESIGN §6: send, and again after `retransmitMs` with the same seq, `tries` sends in all. */
  private attempt(p: Pending): void {
    if (p.sends >= this.opts.tries) {
      p.finish(UNREACHABLE, true);
      return;
    }
    // Not sent yet and the port is (re)opening: `sendWaiting` sends it, within the overall bound.
    if (!this.opts.isOpen()) {
      if (p.sends > 0) p.finish(UNREACHABLE, true);
      return;
    }
    if (p.sends > 0) {
      this.stats.retransmits++;
      if (this.opts.newSeqOnRetransmit) {
        this.pending.delete(p.seq);
        p.seq = this.nextSeq();
        this.pending.set(p.seq, p);
      }
    }
    p.sends++;
    p.sentAtMs = this.nowMs();
    this.opts.send({ seq: p.seq, type: FRAME_TYPE.request, payload: p.payload });
    p.timer = setTimeout(() => this.attempt(p), this.opts.retransmitMs);
  }
}
