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
}

export interface RequestStats {
  retransmits: number;
  /** Requests that ended `unreachable`: no answer in time, or the port went away mid-command. */
  timeouts: number;
  /** Responses for no request in flight (late answers after a retransmit was answered). */
  strayResponses: number;
  /** Responses whose payload is not `{result, data}` with a known result. */
  badResponses: number;
}

interface Pending {
  seq: number;
  payload: JsonObject;
  sends: number;
  timer?: NodeJS.Timeout;
  finish(answer: WireAnswer, timedOut: boolean): void;
}

/** What a request that cannot be answered resolves to. */
export const UNREACHABLE: WireAnswer = { result: 'unreachable', data: {} };

/**
 * The host's requests in flight (DESIGN §6): a seq per request (u8, wrapping, never one in use),
 * retransmission under the same seq, and an answer for every request within its timeout.
 */
export class Requests {
  readonly stats: RequestStats = { retransmits: 0, timeouts: 0, strayResponses: 0, badResponses: 0 };
  private readonly pending = new Map<number, Pending>();
  private seq = 0;

  constructor(private readonly opts: RequestsOptions) {}

  /** Send `op` and resolve with its response, or `unreachable` after `timeoutMs` at the latest. */
  call(op: string, args: JsonObject, timeoutMs: number): Promise<WireAnswer> {
    return new Promise((resolve) => {
      let overall: NodeJS.Timeout | undefined;
      const p: Pending = {
        seq: this.nextSeq(),
        payload: requestPayload(op, args),
        sends: 0,
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

  private nextSeq(): number {
    for (let i = 0; i < 256; i++) {
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
    this.opts.send({ seq: p.seq, type: FRAME_TYPE.request, payload: p.payload });
    p.timer = setTimeout(() => this.attempt(p), this.opts.retransmitMs);
  }
}
