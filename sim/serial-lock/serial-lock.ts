import {
  encodeFrame, FrameReader, FRAME_TYPE, parseRequest, type Frame, type FrameReaderStats, type JsonObject, type WireAnswer,
} from '../protocol/lockwire.ts';
import type { LockEvent } from '../protocol/index.ts';
import type { LockFirmware } from '../lock/types.ts';
import { answerRequest, type LockDevice, type SimKnobs } from './ops.ts';
import { PortKeeper, type SerialBinding } from '../io/port-keeper.ts';
import { serialLockSeams, type SerialLockSeams } from './seeded.ts';
import type { AnswerCache } from '../variants/lock.ts';
import { vendorFields } from './vendor-fields.ts';

export interface SerialLockOptions {
  path: string;
  lock: LockFirmware;
  /** The virtual lock's knobs; enables `sim_*` ops and the `"sim"` capability. */
  knobs?: SimKnobs;
  mac: string;
  firmwareVer: string;
  /** Default: the OS serial binding. */
  binding?: SerialBinding;
  /** Default 115200. */
  baudRate?: number;
  /** Wait between attempts to reopen the port, ms. Default 500. */
  reopenMs?: number;
  /** An unacked event is sent again after this many ms. Default 500 (DESIGN §6). */
  eventResendMs?: number;
  /** Sends of one event before it is given up. Default 5 (DESIGN §6). */
  eventTries?: number;
  /**
   * DESIGN §6 "Answer caches": which repeated requests are answered from the cache without acting,
   * and for how long (real ms). One answer per seq, the latest. Default by seq + payload for 5000 ms.
   */
  cache?: AnswerCache;
  /** How long the device takes to answer `op`, real ms (requests are handled one at a time, in order). Default 0. */
  latencyMs?: (op: string) => number;
  /** Event seqs: the first one and the step between two (u8, wrapping). Default 1 and 1. */
  eventSeqStart?: number;
  eventSeqStep?: number;
  /** Which of `ble` and `clock` the device offers (DESIGN §6 `caps`). Default both. */
  caps?: { ble: boolean; clock: boolean };
  /** Answers, events and `info` carry vendor fields beyond those DESIGN §6 names. Default off. */
  extraFields?: boolean;
  /** Events queued; beyond this the oldest one not in flight is dropped. Default 64. */
  maxQueuedEvents?: number;
  /** Real milliseconds, for the cache's age (transport time, not world time). Default performance.now. */
  nowMs?: () => number;
  log?: (line: string) => void;
  /** Called after a request was acted on (not after a cache hit), e.g. to save the lock's state. */
  afterRequest?: () => void;
  defects?: readonly string[];
}

export interface SerialLockStats {
  requests: number;
  /** Repeated seqs answered from the cache without acting. */
  cacheHits: number;
  /** Responses not sent because of `dropResponses`. */
  droppedResponses: number;
  /** Requests ignored because the lock is unpowered or its radio is cut. */
  ignoredUnreachable: number;
  badRequests: number;
  eventsSent: number;
  eventResends: number;
  eventsAcked: number;
  /** Events given up after `eventTries` sends or pushed out of a full queue. */
  eventsDropped: number;
  /** Frames a lock does not expect (responses, events) and acks for no event in flight. */
  unexpected: number;
  reconnects: number;
  reader: FrameReaderStats;
}

interface Cached {
  request: string;
  bytes: Buffer;
  atMs: number;
}

interface Outgoing {
  seq: number;
  payload: JsonObject;
  sends: number;
}

/**
 * A virtual lock firmware on a serial port (DESIGN §6): answers lockwire requests with the
 * same seq, answers a repeated seq from its cache without acting again, and sends the lock's
 * events one at a time, resending until acked.
 */
export class SerialLock {
  /** Fault knob (TEST-PLAN LAB-03): do not send the next N responses (the lock still acts and caches). */
  dropResponses = 0;
  private readonly device: LockDevice;
  private readonly reader = new FrameReader();
  private readonly port: PortKeeper;
  private readonly cache = new Map<number, Cached>();
  private readonly outbox: Outgoing[] = [];
  private readonly counts = {
    requests: 0, cacheHits: 0, droppedResponses: 0, ignoredUnreachable: 0, badRequests: 0,
    eventsSent: 0, eventResends: 0, eventsAcked: 0, eventsDropped: 0, unexpected: 0,
  };
  private eventSeq: number;
  /** A seeded defect's answer to a bad CRC silenced the device for good (`seeded.ts`). */
  private mute = false;
  /** Requests waiting for the device to get to them (handled one at a time, each after its latency). */
  private readonly inbox: { seq: number; payload: JsonObject }[] = [];
  private busy = false;
  private latencyTimer: NodeJS.Timeout | undefined;
  private resendTimer: NodeJS.Timeout | undefined;
  private readonly unsubscribe: () => void;
  private readonly nowMs: () => number;
  /** Where seeded defects act (`seeded.ts`); each takes the contract step. */
  private readonly seams: SerialLockSeams;

  constructor(private readonly opts: SerialLockOptions) {
    this.seams = serialLockSeams(opts.defects);
    this.eventSeq = ((opts.eventSeqStart ?? 1) - (opts.eventSeqStep ?? 1)) & 0xff;
    this.device = { lock: opts.lock, mac: opts.mac, firmwareVer: opts.firmwareVer, caps: opts.caps ?? { ble: true, clock: true } };
    if (opts.knobs) this.device.knobs = opts.knobs;
    this.nowMs = opts.nowMs ?? (() => performance.now());
    this.unsubscribe = opts.lock.onEvent((ev) => this.enqueue(ev));
    this.port = new PortKeeper({
      path: opts.path,
      baudRate: opts.baudRate ?? 115200,
      ...(opts.binding ? { binding: opts.binding } : {}),
      reopenMs: opts.reopenMs ?? 500,
      onData: (chunk) => {
        const badCrc = this.reader.stats.badCrc;
        for (const f of this.reader.push(chunk)) this.onFrame(f);
        if (this.reader.stats.badCrc > badCrc && this.seams.afterBadCrc() === 'mute') this.mute = true;
      },
      onOpen: () => this.reader.reset(),
      ...(opts.log ? { log: opts.log } : {}),
    });
  }

  get stats(): SerialLockStats {
    return { ...this.counts, reconnects: this.port.reconnects, reader: { ...this.reader.stats } };
  }

  get isOpen(): boolean {
    return this.port.isOpen;
  }

  /** Resolves true once the port is open, false after `timeoutMs`. */
  whenOpen(timeoutMs: number): Promise<boolean> {
    return this.port.whenOpen(timeoutMs);
  }

  /** Stop: no more events, close the port. */
  async close(): Promise<void> {
    this.unsubscribe();
    clearTimeout(this.resendTimer);
    clearTimeout(this.latencyTimer);
    this.inbox.length = 0;
    this.outbox.length = 0;
    await this.port.close();
  }

  private onFrame(f: Frame): void {
    if (f.type === FRAME_TYPE.request) this.receive(f.seq, f.payload);
    else if (f.type === FRAME_TYPE.eventAck) this.onAck(f.seq);
    else this.counts.unexpected++;
  }

  /** A request in: handled now, or after those before it and its own latency. */
  private receive(seq: number, payload: JsonObject): void {
    this.inbox.push({ seq, payload });
    if (!this.busy) this.next();
  }

  private next(): void {
    const head = this.inbox.shift();
    if (!head) {
      this.busy = false;
      return;
    }
    this.busy = true;
    const ms = this.opts.latencyMs?.(typeof head.payload.op === 'string' ? head.payload.op : '') ?? 0;
    const handle = () => {
      this.onRequest(head.seq, head.payload);
      this.next();
    };
    if (ms <= 0) handle();
    else this.latencyTimer = setTimeout(handle, ms);
  }

  /** DESIGN §6 "Answer caches": the cached answer this request may be given instead of acting, if any. */
  private cached(seq: number, request: string): Buffer | undefined {
    const c = this.opts.cache ?? { kind: 'seq+payload', ms: 5000 };
    const hit = this.cache.get(seq);
    if (!hit || c.kind === 'none' || !this.seams.cacheAnswers()) return undefined;
    if (c.kind === 'seq+payload' && hit.request !== request) return undefined;
    return c.ms === 'forever' || this.nowMs() - hit.atMs <= c.ms ? hit.bytes : undefined;
  }

  private onRequest(seq: number, payload: JsonObject): void {
    // An unpowered lock says nothing; the host's retries run out and it reports `unreachable`.
    if (!this.opts.lock.reachable || this.mute) {
      this.counts.ignoredUnreachable++;
      return;
    }
    const request = JSON.stringify(payload);
    const hit = this.cached(seq, request);
    if (hit) {
      this.counts.cacheHits++;
      this.respond(hit);
      return;
    }
    this.counts.requests++;
    const req = parseRequest(payload);
    if (typeof req === 'string') this.counts.badRequests++;
    const answer: WireAnswer = typeof req === 'string' ? { result: 'error', data: { reason: req } } : req.op === 'sim_drop_responses' ? this.dropNext(req.args) : answerRequest(this.device, req);
    const body = { result: answer.result, data: answer.data };
    const bytes = encodeFrame({ seq, type: FRAME_TYPE.response, payload: this.opts.extraFields ? vendorFields(body, seq) : body });
    // One answer per seq, the latest (DESIGN §6): at most 256.
    this.cache.set(seq, { request, bytes, atMs: this.nowMs() });
    this.respond(bytes);
    this.opts.afterRequest?.();
  }

  /** `sim_drop_responses {count}`: lose the next `count` responses on the wire (TEST-PLAN LAB-03); this one still goes out. */
  private dropNext(args: JsonObject): WireAnswer {
    const count = args.count;
    if (!this.device.knobs) return { result: 'error', data: { reason: 'no sim capability' } };
    if (!Number.isInteger(count) || (count as number) < 0 || (count as number) > 10) return { result: 'error', data: { reason: 'count must be an integer 0…10' } };
    this.dropResponses = count as number;
    return { result: 'ok', data: { count: count as number } };
  }

  private respond(bytes: Buffer): void {
    if (this.dropResponses > 0) {
      this.dropResponses--;
      this.counts.droppedResponses++;
      return;
    }
    this.port.write(bytes);
  }

  private enqueue(event: LockEvent): void {
    const ev = this.seams.eventOnWire(event);
    this.eventSeq = (this.eventSeq + (this.opts.eventSeqStep ?? 1)) & 0xff;
    this.outbox.push({ seq: this.eventSeq, payload: this.opts.extraFields ? vendorFields({ ...ev }, this.eventSeq) : { ...ev }, sends: 0 });
    if (this.outbox.length > (this.opts.maxQueuedEvents ?? 64)) {
      this.outbox.splice(1, 1);
      this.counts.eventsDropped++;
    }
    // After the current tick, so a response to the request that caused the event goes out first.
    if (this.outbox.length === 1) queueMicrotask(() => this.sendHead());
  }

  /** DESIGN §6: resent every `eventResendMs` until acked, at most `eventTries` sends; one in flight keeps them in order. */
  private sendHead(): void {
    clearTimeout(this.resendTimer);
    const head = this.outbox[0];
    if (!head) return;
    if (head.sends >= (this.opts.eventTries ?? 5)) {
      this.outbox.shift();
      this.counts.eventsDropped++;
      this.sendHead();
      return;
    }
    if (head.sends++ === 0) this.counts.eventsSent++;
    else this.counts.eventResends++;
    this.port.write(encodeFrame({ seq: head.seq, type: FRAME_TYPE.event, payload: head.payload }));
    this.resendTimer = setTimeout(() => this.sendHead(), this.opts.eventResendMs ?? 500);
  }

  private onAck(seq: number): void {
    const head = this.outbox[0];
    if (!head || head.seq !== seq || head.sends === 0) {
      this.counts.unexpected++;
      return;
    }
    this.counts.eventsAcked++;
    this.outbox.shift();
    this.sendHead();
  }

}
