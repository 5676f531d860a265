import {
  encodeFrame, FrameReader, FRAME_TYPE, frameHex, parseDeviceInfo,
  type DeviceInfo, type Frame, type JsonObject, type WireAnswer, type WireResult,
} from '../../sim/protocol/lockwire.ts';
import { isUint32, LOCK_RESULTS, type LockAnswer, type LockOp, type LockResult, type TimeSyncResult } from '../../sim/protocol/index.ts';
import type { EventListener, LockLink } from '../../sim/gateway/link.ts';
import { LockEvents } from './lock-events.ts';
import { LockwireOps } from './lockwire-ops.ts';
import { PortKeeper, type SerialBinding } from '../../sim/io/port-keeper.ts';
import { linkSeams } from './seeded.ts';
import { Requests, UNREACHABLE, type RoundTripStats } from './requests.ts';
import type { SeqLedger } from './seq-ledger.ts';

export interface SerialLinkOptions {
  path: string;
  /** The lock on this port; `SerialLink.identify` asks the device instead. */
  lockId: number;
  /** Default 115200 (DESIGN §6). */
  baudRate?: number;
  /** Default: the OS serial binding. */
  binding?: SerialBinding;
  /** A request is sent again, same seq, after this many ms without a response. Default 500 (DESIGN §6). */
  retransmitMs?: number;
  /** Sends of one request in all. Default 3 (DESIGN §6). */
  tries?: number;
  /** Wait between attempts to reopen a port that went away, ms. Default 500. */
  reopenMs?: number;
  /** Bound of the helper calls (`info`, `keypad`, …), ms. Default retransmitMs × (tries + 1). */
  callTimeoutMs?: number;
  /** Recent events remembered to drop resends the lock made because an ack was lost. Default 64. */
  recentEvents?: number;
  /** Every seq's last use, kept as long as the device may cache answers (DESIGN §6; the lab keeps it in its state file). Default: in memory. */
  ledger?: SeqLedger;
  /** Wall-clock ms for the ledger (comparable across processes). Default performance.timeOrigin + performance.now(). */
  wallMs?: () => number;
  log?: (line: string) => void;
  /** Seeded link defects (`seeded.ts`); default none. Read by the entry point (the lab target: `LOCKBENCH_LINK_DEFECTS`). */
  defects?: readonly string[];
}

/** A wire-log listener: every frame sent (`tx`) and every valid frame received (`rx`). */
export type WireListener = (dir: 'tx' | 'rx', hex: string, decoded: unknown) => void;

export interface SerialLinkStats {
  /** Bytes dropped while hunting for a frame start. */
  garbage: number;
  /** Frames dropped for bad CRC, length, JSON or header. */
  badFrames: number;
  retransmits: number;
  /** Requests that ended `unreachable`: no answer in time, or the port went away mid-command. */
  timeouts: number;
  reconnects: number;
  /** Responses for no request in flight (late answers after a retransmit was answered). */
  strayResponses: number;
  /** Responses or events with a payload that is not a valid body; frames a host does not expect. */
  badPayloads: number;
  events: number;
  duplicateEvents: number;
  /** Events a listener could not hold yet (the gateway's queue for a live uplink was full): left unacked, so the lock sends them again (DESIGN §3.3/§6). */
  eventsHeldBack: number;
  /** Request round trips (DESIGN §11: boundary checks keep the round trip from crossing a boundary). */
  roundTrip: RoundTripStats;
}


/**
 * A `LockLink` over lockwire on a serial port (DESIGN §6): request/response by seq with
 * retransmission under the same seq, event acks with de-duplication, a bound on every wait, and
 * reconnection whenever the port goes away until `close()`.
 */
export class SerialLink extends LockwireOps implements LockLink {
  /** An event not held by its listener is left unacked: the lock sends it again (DESIGN §6). */
  readonly flowControl = true;
  private id: number;
  private readonly reader = new FrameReader();
  private readonly port: PortKeeper;
  private readonly requests: Requests;
  private readonly events: LockEvents;
  private readonly wireListeners = new Set<WireListener>();
  private announcedOffline = false;
  /** The next frame goes out in two writes this far apart, ms (TEST-PLAN LAB-01: a frame split over reads). */
  private splitNextMs: number | undefined;
  private probing = false;
  private closed = false;
  /** Frames a host does not expect (requests, acks from the device). */
  private unexpectedFrames = 0;

  constructor(private readonly opts: SerialLinkOptions) {
    super();
    this.id = opts.lockId;
    this.events = new LockEvents({
      lockId: () => this.id,
      ack: (seq) => this.send({ seq, type: FRAME_TYPE.eventAck, payload: {} }),
      ...(opts.recentEvents === undefined ? {} : { recentEvents: opts.recentEvents }),
      ...(opts.log ? { log: opts.log } : {}),
    });
    this.requests = new Requests({
      tries: opts.tries ?? 3,
      retransmitMs: opts.retransmitMs ?? 500,
      isOpen: () => this.port.isOpen,
      send: (frame) => this.send(frame),
      seams: linkSeams(opts.defects),
      ...(opts.ledger ? { ledger: opts.ledger } : {}),
      ...(opts.wallMs ? { wallMs: opts.wallMs } : {}),
    });
    this.port = new PortKeeper({
      path: opts.path,
      baudRate: opts.baudRate ?? 115200,
      ...(opts.binding ? { binding: opts.binding } : {}),
      reopenMs: opts.reopenMs ?? 500,
      onData: (chunk) => this.onData(chunk),
      onOpen: () => this.onOpen(),
      onClose: () => this.onClose(),
      ...(opts.log ? { log: opts.log } : {}),
    });
  }

  /**
   * Open a link to whatever lock is on the port and learn its id from `info` (DESIGN §6).
   * Closes the link and answers why when the device does not say within `timeoutMs`.
   */
  static async identify(opts: Omit<SerialLinkOptions, 'lockId'>, timeoutMs: number): Promise<{ ok: true; link: SerialLink; info: DeviceInfo } | { ok: false; error: string }> {
    const link = new SerialLink({ ...opts, lockId: 0 });
    const info = await link.info(timeoutMs);
    if (!info.ok) {
      await link.close();
      return { ok: false, error: `no info from the device on ${opts.path}: ${info.result}` };
    }
    link.id = info.info.lock_id;
    return { ok: true, link, info: info.info };
  }

  get lockId(): number {
    return this.id;
  }

  get isOpen(): boolean {
    return this.port.isOpen;
  }

  get stats(): SerialLinkStats {
    const r = this.reader.stats;
    const q = this.requests.stats;
    return {
      garbage: r.garbageBytes,
      badFrames: r.badCrc + r.badLength + r.badJson + r.badHeader,
      retransmits: q.retransmits,
      timeouts: q.timeouts,
      reconnects: this.port.reconnects,
      strayResponses: q.strayResponses,
      badPayloads: q.badResponses + this.events.counts.badPayloads + this.unexpectedFrames,
      events: this.events.counts.events,
      duplicateEvents: this.events.counts.duplicateEvents,
      eventsHeldBack: this.events.counts.eventsHeldBack,
      roundTrip: { ...q.roundTrip },
    };
  }

  /** Resolves true once the port is open, false after `timeoutMs`. */
  whenOpen(timeoutMs: number): Promise<boolean> {
    return this.port.whenOpen(timeoutMs);
  }

  /** Send any lockwire op and wait for its response (bounded). */
  call(op: string, args: JsonObject = {}, timeoutMs = this.callTimeoutMs): Promise<WireAnswer> {
    if (this.closed) return Promise.resolve(UNREACHABLE);
    return this.requests.call(op, args, timeoutMs);
  }

  /**
   * The device's events that broke the contract (DESIGN §6: out-of-range fields, garbage, another
   * lock's id), each as "the device sent event {…}: why" — dropped, never forwarded; the last
   * few. A check that owns the device's output names it with these (TEST-PLAN LAB-01).
   */
  get deviceFaults(): readonly string[] {
    return this.events.deviceFaults;
  }

  /**
   * The lock's events, each once (and `reachable` when the port goes away and the lock answers again).
   * An event is acked only once every listener holds it: one answering false leaves it unacked.
   */
  onEvent(listener: EventListener): () => void {
    return this.events.subscribe(listener);
  }

  /** Wire log hook: every frame sent and received, as hex and decoded. */
  onFrame(listener: WireListener): () => void {
    this.wireListeners.add(listener);
    return () => this.wireListeners.delete(listener);
  }

  /** Answer everything in flight `unreachable`, stop reopening, close the port. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.requests.failAll();
    await this.port.close();
  }

  protected get callTimeoutMs(): number {
    return this.opts.callTimeoutMs ?? (this.opts.retransmitMs ?? 500) * ((this.opts.tries ?? 3) + 1);
  }

  protected canSendNow(op: string): boolean {
    return this.requests.canSendNow(op);
  }

  private send(frame: Frame): void {
    const bytes = encodeFrame(frame);
    const gapMs = this.splitNextMs;
    if (gapMs === undefined) {
      if (this.port.write(bytes)) this.tap('tx', bytes, frame);
      return;
    }
    this.splitNextMs = undefined;
    const half = bytes.length >> 1;
    if (!this.port.write(bytes.subarray(0, half))) return;
    this.tap('tx', bytes, { ...frame, split: `${half} + ${bytes.length - half} bytes, ${gapMs} ms apart` });
    setTimeout(() => void this.port.write(bytes.subarray(half)), gapMs);
  }

  /** Put bytes on the wire as they are (TEST-PLAN LAB-01: garbage, a bad CRC, a bad length); shown in the wire log. */
  writeRaw(bytes: Buffer, what: string): boolean {
    const ok = this.port.write(bytes);
    if (ok && this.wireListeners.size > 0) for (const l of this.wireListeners) l('tx', frameHex(bytes), { raw: what });
    return ok;
  }

  /** Send the next request frame in two writes `gapMs` apart (TEST-PLAN LAB-01). */
  splitNext(gapMs: number): void {
    this.splitNextMs = gapMs;
  }

  private tap(dir: 'tx' | 'rx', bytes: Buffer, frame: Frame | (Frame & { split: string })): void {
    if (this.wireListeners.size === 0) return;
    const hex = frameHex(bytes);
    for (const l of this.wireListeners) l(dir, hex, frame);
  }

  private onData(chunk: Buffer): void {
    for (const { frame, bytes } of this.reader.pushWithBytes(chunk)) {
      this.tap('rx', bytes, frame);
      if (this.announcedOffline) this.markOnline();
      if (frame.type === FRAME_TYPE.response) this.requests.onResponse(frame.seq, frame.payload);
      else if (frame.type === FRAME_TYPE.event) this.events.receive(frame.seq, frame.payload, bytes);
      else this.unexpectedFrames++;
    }
  }

  private onOpen(): void {
    this.reader.reset();
    this.requests.sendWaiting();
    if (this.announcedOffline) void this.probe();
  }

  /**
   * The port is back, but that does not prove a lock is behind it: ask `info` until any frame
   * arrives (which marks the lock reachable again), the port goes away, or the link is closed.
   */
  private async probe(): Promise<void> {
    if (this.probing) return;
    this.probing = true;
    try {
      while (this.announcedOffline && this.port.isOpen && !this.closed) await this.call('info', {}, this.callTimeoutMs);
    } finally {
      this.probing = false;
    }
  }

  private markOnline(): void {
    this.announcedOffline = false;
    this.events.emit({ type: 'reachable', lock_id: this.id, online: true });
  }

  /** The port went away: commands in flight cannot be answered (TEST-PLAN LAB-04), the lock is unreachable. */
  private onClose(): void {
    this.requests.failSent();
    if (this.id > 0 && !this.announcedOffline) {
      this.announcedOffline = true;
      this.events.emit({ type: 'reachable', lock_id: this.id, online: false });
    }
  }
}
