import { FRAME_TYPE, parseResponse, requestPayload, type JsonObject, type RequestFrame, type WireAnswer } from '../../sim/protocol/lockwire.ts';
import { memoryLedger, payloadKey, pickSeq, type SeqLedger } from './seq-ledger.ts';
import { linkSeams, type LinkSeams } from './seeded.ts';

const CONTRACT = linkSeams();

export interface RequestsOptions {
  /** Sends of one request in all (DESIGN §6: 3). */
  tries: number;
  /** Wait for a response before sending again under the same seq, ms (DESIGN §6: 500). */
  retransmitMs: number;
  /** Whether the port can take a frame now. */
  isOpen(): boolean;
  /** Put a frame on the wire. */
  send(frame: RequestFrame): void;
  /** Where seeded defects act (`seeded.ts`); default the contract's steps. */
  seams?: LinkSeams;
  /**
   * Every seq's last use (DESIGN §6 "Answer caches": the host owns the seq space). A lab link keeps it
   * in the state file so that it outlives the host process; a throw from `use` fails the request.
   * Default: in memory.
   */
  ledger?: SeqLedger;
  /** Real milliseconds, for round-trip times (transport time, not world time). Default performance.now. */
  nowMs?: () => number;
  /** Wall-clock ms for the ledger (transport time comparable across processes). Default performance.timeOrigin + performance.now(). */
  wallMs?: () => number;
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
  key: string;
  sends: number;
  sentAtMs: number;
  timer?: NodeJS.Timeout;
  finish(answer: WireAnswer, timedOut: boolean): void;
}

/**
 * New requests a host may start: a burst of PACE_BURST, then PACE_PER_S a second. DESIGN §6 lets a host
 * reuse no seq within 10 s, so at most 255 new requests fit in any 10 s; 50 + 20 × 10 = 250 keeps every
 * caller within that without ever waiting for a seq to come free (a burst would otherwise use the 255
 * up and starve the next requests for up to 10 s). Retransmissions reuse their seq and are not counted.
 */
export const PACE_BURST = 50;
export const PACE_PER_S = 20;

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
  private readonly ledger: SeqLedger;
  private readonly nowMs: () => number;
  private readonly wallMs: () => number;
  private rttSumMs = 0;
  private tokens = PACE_BURST;
  private tokensAtMs: number | undefined;

  constructor(private readonly opts: RequestsOptions) {
    this.ledger = opts.ledger ?? memoryLedger();
    this.nowMs = opts.nowMs ?? (() => performance.now());
    this.wallMs = opts.wallMs ?? (() => performance.timeOrigin + performance.now());
  }

  /** Whether a request `op args` could take a seq now, without waiting (DESIGN §6: a seq quiet for 10 s, not last used with these bytes). */
  canSendNow(op: string, args: JsonObject = {}): boolean {
    return 'seq' in pickSeq(this.ledger, payloadKey(requestPayload(op, args)), this.wallMs(), (s) => this.pending.has(s));
  }

  /**
   * Send `op` and resolve with its response, or `unreachable` after `timeoutMs` at the latest. When
   * every seq is taken by DESIGN §6's rules, the request waits for the first to come free (bounded).
   */
  async call(op: string, args: JsonObject, timeoutMs: number): Promise<WireAnswer> {
    const payload = requestPayload(op, args);
    const key = payloadKey(payload);
    const deadline = this.nowMs() + timeoutMs;
    if (!(await this.paced(deadline))) {
      this.stats.timeouts++;
      return UNREACHABLE;
    }
    let seq: number | undefined;
    for (;;) {
      const got = pickSeq(this.ledger, key, this.wallMs(), (s) => this.pending.has(s));
      if ('seq' in got) {
        seq = got.seq;
        break;
      }
      const waitMs = Math.min(got.freeAtMs - this.wallMs(), deadline - this.nowMs());
      if (waitMs <= 0 || !Number.isFinite(waitMs)) {
        this.stats.timeouts++;
        return UNREACHABLE;
      }
      await new Promise((r) => setTimeout(r, Math.min(waitMs, 200)));
    }
    const first = seq;
    return new Promise((resolve) => {
      let overall: NodeJS.Timeout | undefined;
      const p: Pending = {
        seq: first,
        payload,
        key,
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
      overall = setTimeout(() => p.finish(UNREACHABLE, true), Math.max(1, deadline - this.nowMs()));
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

  /** Take one new-request token (PACE_BURST, PACE_PER_S), waiting for it until `deadline` (nowMs) at most. */
  private async paced(deadline: number): Promise<boolean> {
    for (;;) {
      const wall = this.wallMs();
      if (this.tokensAtMs !== undefined) this.tokens = Math.min(PACE_BURST, this.tokens + ((wall - this.tokensAtMs) * PACE_PER_S) / 1000);
      this.tokensAtMs = wall;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return true;
      }
      const waitMs = Math.ceil(((1 - this.tokens) * 1000) / PACE_PER_S);
      if (this.nowMs() + waitMs > deadline) return false;
      await new Promise((r) => setTimeout(r, waitMs));
    }
  }

  /** A fresh seq for a retransmit under a seeded seam; the current one when none is free. */
  private freshSeq(p: Pending): number {
    const got = pickSeq(this.ledger, p.key, this.wallMs(), (s) => this.pending.has(s));
    return 'seq' in got ? got.seq : p.seq;
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
      const seq = (this.opts.seams ?? CONTRACT).retransmitSeq(p.seq, () => this.freshSeq(p));
      if (seq !== p.seq) {
        this.pending.delete(p.seq);
        p.seq = seq;
        this.pending.set(seq, p);
      }
    }
    // Recorded before the frame leaves (a retransmit renews the seq's 10 s); a ledger that cannot keep it fails the request.
    try {
      this.ledger.use(p.seq, { atMs: this.wallMs(), key: p.key });
    } catch (e) {
      p.finish({ result: 'error', data: { reason: `seq ledger: ${(e as Error).message}` } }, false);
      return;
    }
    p.sends++;
    p.sentAtMs = this.nowMs();
    this.opts.send({ seq: p.seq, type: FRAME_TYPE.request, payload: p.payload });
    p.timer = setTimeout(() => this.attempt(p), this.opts.retransmitMs);
  }
}
