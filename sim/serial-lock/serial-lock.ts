import {
  encodeFrame, FrameReader, FRAME_TYPE, parseRequest, type Frame, type FrameReaderStats, type JsonObject, type WireAnswer,
} from '../protocol/lockwire.ts';
import type { LockEvent } from '../protocol/index.ts';
import type { LockFirmware } from '../lock/types.ts';
import { answerRequest, type LockDevice, type LockKnobs } from './ops.ts';
import { PortKeeper, type SerialBinding } from '../io/port-keeper.ts';
import { roomDefects, type RoomDefects } from '../defects.ts';

export interface SerialLockOptions {
  path: string;
  lock: LockFirmware;
  /** The virtual lock's knobs; enables `sim_*` ops and the `"sim"` capability. */
  knobs?: LockKnobs;
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
  /** Responses remembered for repeated seqs. Default 32. */
  cacheSize?: number;
  /** How long a cached response answers a repeated seq, ms (a host restarting its seq counter must not get stale answers). Default 5000. */
  cacheMs?: number;
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
  private eventSeq = 0;
  private resendTimer: NodeJS.Timeout | undefined;
  private readonly unsubscribe: () => void;
  private readonly nowMs: () => number;
  /** Seeded serial-lock defects (`sim/defects.ts`; `serial-no-cache` breaks TEST-PLAN LAB-03). */
  private readonly seeded: RoomDefects<'serial-lock'>;

  constructor(private readonly opts: SerialLockOptions) {
    this.seeded = roomDefects('serial-lock', opts.defects);
    this.device = { lock: opts.lock, mac: opts.mac, firmwareVer: opts.firmwareVer };
    if (opts.knobs) this.device.knobs = opts.knobs;
    this.nowMs = opts.nowMs ?? (() => performance.now());
    this.unsubscribe = opts.lock.onEvent((ev) => this.enqueue(ev));
    this.port = new PortKeeper({
      path: opts.path,
      baudRate: opts.baudRate ?? 115200,
      ...(opts.binding ? { binding: opts.binding } : {}),
      reopenMs: opts.reopenMs ?? 500,
      onData: (chunk) => {
        for (const f of this.reader.push(chunk)) this.onFrame(f);
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
    this.outbox.length = 0;
    await this.port.close();
  }

  private onFrame(f: Frame): void {
    if (f.type === FRAME_TYPE.request) this.onRequest(f.seq, f.payload);
    else if (f.type === FRAME_TYPE.eventAck) this.onAck(f.seq);
    else this.counts.unexpected++;
  }

  private onRequest(seq: number, payload: JsonObject): void {
    // An unpowered lock says nothing; the host's retries run out and it reports `unreachable`.
    if (!this.opts.lock.reachable) {
      this.counts.ignoredUnreachable++;
      return;
    }
    const request = JSON.stringify(payload);
    const hit = this.cache.get(seq);
    if (hit && hit.request === request && this.nowMs() - hit.atMs <= (this.opts.cacheMs ?? 5000) && !this.seeded.has('serial-no-cache')) {
      this.counts.cacheHits++;
      this.respond(hit.bytes);
      return;
    }
    this.counts.requests++;
    const req = parseRequest(payload);
    if (typeof req === 'string') this.counts.badRequests++;
    const answer: WireAnswer = typeof req === 'string' ? { result: 'error', data: { reason: req } } : req.op === 'sim_drop_responses' ? this.dropNext(req.args) : answerRequest(this.device, req);
    const bytes = encodeFrame({ seq, type: FRAME_TYPE.response, payload: { result: answer.result, data: answer.data } });
    this.cache.delete(seq);
    this.cache.set(seq, { request, bytes, atMs: this.nowMs() });
    if (this.cache.size > (this.opts.cacheSize ?? 32)) this.cache.delete(this.cache.keys().next().value!);
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

  private enqueue(ev: LockEvent): void {
    this.eventSeq = (this.eventSeq + 1) & 0xff;
    this.outbox.push({ seq: this.eventSeq, payload: { ...ev }, sends: 0 });
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
