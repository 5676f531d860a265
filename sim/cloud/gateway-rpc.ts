import { randomBytes, randomUUID } from 'node:crypto';
import type { IPublishPacket, MqttClient } from 'mqtt';
import { connectMqtt } from '../io/index.ts';
import {
  gatewayTopic, parseAck, parseEvent, parseGatewayTopic, parseStatus, topicRoot,
  type Ack, type Command, type GatewayEvent, type LockOp,
} from '../protocol/index.ts';
import { lockIdOf, type Journal } from './journal.ts';
import { recordInternalError, type CloudStats } from './stats.ts';

/** A gateway's answer to a command, or `timeout` when no ack came within the ack timeout. */
export type RpcAnswer = Ack | 'timeout';

/** The cloud's side of the gateway link, as the endpoints see it. */
export interface GatewayLink {
  /** Whether the gateway's last `status` said online (unknown gateways are offline). */
  online(apId: number): boolean;
  /** Whether a command for this lock awaits its ack. */
  inFlight(lockId: number): boolean;
  /**
   * Send a command and wait for its ack (at most the ack timeout). `holdsLock: false` (a
   * compensation) does not count as the lock's command in flight, so it never makes the API 365.
   */
  call(apId: number, lockId: number, op: LockOp, opts?: { holdsLock?: boolean }): Promise<RpcAnswer>;
}

/** How the cloud's MQTT client connects and whom it tells about status changes and events. */
export interface GatewayRpcOptions {
  /** Broker URL (`mqtt://127.0.0.1:1883`). */
  url: string;
  /** Password of MQTT user `cloud` (DESIGN §4 security). */
  password: string;
  /** The world's namespace on a shared broker (DESIGN §13); default '' = §4 exactly. */
  namespace?: string;
  /** Real-time ms to wait for an ack (DESIGN §4). */
  ackTimeoutMs: number;
  stats: CloudStats;
  /** A gateway's online state changed (not called for the initial retained state). */
  onStatusChange(apId: number, online: boolean): void;
  /** The gateway published `{"online": true}`: a new connection of it (DESIGN §3.4 reboot). */
  onSessionStart?(apId: number): void;
  onEvent(apId: number, ev: GatewayEvent): void;
  /** World time (unix s) for the record of a message whose handling threw; default 0 (none known). */
  now?(): number;
  /** Every command sent and message received is recorded here when given. */
  journal?: Journal;
}

interface Pending {
  /** The gateway the command went to: only its ack counts (DESIGN §4 security). */
  apId: number;
  lockId: number;
  holdsLock: boolean;
  timer: NodeJS.Timeout;
  resolve(answer: RpcAnswer): void;
}

/** Gives up connecting to the broker after this many ms. */
const CONNECT_TIMEOUT_MS = 5000;

/**
 * The MQTT client of the cloud (user `cloud`): learns gateway online state from `status` only,
 * sends commands on `cmd` and matches acks by id, forwards events (DESIGN §4).
 */
export class GatewayRpc implements GatewayLink {
  private readonly onlineMap = new Map<number, boolean>();
  /** States known before the broker connection dropped; the retained statuses after reconnecting are compared to them. */
  private readonly staleMap = new Map<number, boolean>();
  private readonly pending = new Map<string, Pending>();
  private readonly inFlightCount = new Map<number, number>();
  private closed = false;
  private readonly ackTaps = new Set<(apId: number, payload: Buffer) => void>();

  private constructor(private readonly client: MqttClient, private readonly opts: GatewayRpcOptions) {}

  /** Connect as `cloud` and subscribe to every gateway's status, ack and event topics (QoS 1). */
  static async connect(opts: GatewayRpcOptions): Promise<GatewayRpc> {
    const root = topicRoot(opts.namespace ?? '');
    const client = await connectMqtt(opts.url, {
      protocolVersion: 4, username: 'cloud', password: opts.password, clientId: `${opts.namespace ? `${opts.namespace}/` : ''}cloud-${randomUUID()}`,
      clean: true, connectTimeout: CONNECT_TIMEOUT_MS, reconnectPeriod: 1000,
    });
    const rpc = new GatewayRpc(client, opts);
    client.on('message', (topic, payload, packet) => rpc.guarded(topic, payload, packet));
    client.on('close', () => rpc.onBrokerLost());
    // Connection errors are counted; mqtt.js reconnects on its own.
    client.on('error', () => void opts.stats.mqttErrors++);
    try {
      const grants = await client.subscribeAsync(
        [`${root}/+/status`, `${root}/+/ack`, `${root}/+/event`], { qos: 1 },
      );
      if (grants.some((g) => g.qos === 128)) throw new Error('the broker refused the cloud\'s subscriptions');
    } catch (err) {
      await client.endAsync(true);
      throw err;
    }
    return rpc;
  }

  online(apId: number): boolean {
    return this.onlineMap.get(apId) === true;
  }

  inFlight(lockId: number): boolean {
    return (this.inFlightCount.get(lockId) ?? 0) > 0;
  }

  call(apId: number, lockId: number, op: LockOp, opts: { holdsLock?: boolean } = {}): Promise<RpcAnswer> {
    if (this.closed) return Promise.resolve('timeout');
    const id = this.newId();
    const holdsLock = opts.holdsLock ?? true;
    if (holdsLock) this.inFlightCount.set(lockId, (this.inFlightCount.get(lockId) ?? 0) + 1);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.opts.stats.ackTimeouts++;
        this.finish(id, 'timeout');
      }, this.opts.ackTimeoutMs);
      this.pending.set(id, { apId, lockId, holdsLock, timer, resolve });
      this.publish(apId, { id, lock_id: lockId, ...op });
    });
  }

  /** Harness lever (TEST-PLAN GWP-02, GWP-03): publish a raw payload on a gateway's `cmd`, untracked. */
  publishRaw(apId: number, payload: string): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.note('→', this.cmdTopic(apId), payload);
    return this.client.publishAsync(this.cmdTopic(apId), payload, { qos: 1 }).then(() => undefined, () => undefined);
  }

  /** See every ack payload as it arrives (before matching); returns the function that stops it. */
  tapAcks(listener: (apId: number, payload: Buffer) => void): () => void {
    this.ackTaps.add(listener);
    return () => void this.ackTaps.delete(listener);
  }

  /** No command waiting for its ack. */
  get idle(): boolean {
    return this.pending.size === 0;
  }

  /** Disconnect; commands still waiting are answered `timeout`. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const id of [...this.pending.keys()]) this.finish(id, 'timeout');
    await this.client.endAsync(true);
  }

  /**
   * 128 random bits: one seen id must not give away the next (a prefix + counter let any gateway
   * answer another's commands), and ids stay unique across cloud restarts, since gateways answer
   * a remembered id from cache (DESIGN §4).
   */
  private newId(): string {
    return randomBytes(16).toString('hex');
  }

  /** Every command of this cloud, tracked or raw, goes to its world's namespace (DESIGN §13). */
  private cmdTopic(apId: number): string {
    return gatewayTopic(apId, 'cmd', this.opts.namespace ?? '');
  }

  private publish(apId: number, cmd: Command): void {
    const topic = this.cmdTopic(apId);
    const payload = JSON.stringify(cmd);
    this.note('→', topic, payload);
    // A failed publish needs no handling here: the ack timeout answers the caller.
    this.client.publish(topic, payload, { qos: 1 }, () => undefined);
  }

  private finish(id: string, answer: RpcAnswer): void {
    const p = this.pending.get(id);
    if (!p) return;
    clearTimeout(p.timer);
    this.pending.delete(id);
    if (p.holdsLock) {
      const n = (this.inFlightCount.get(p.lockId) ?? 1) - 1;
      if (n > 0) this.inFlightCount.set(p.lockId, n);
      else this.inFlightCount.delete(p.lockId);
    }
    p.resolve(answer);
  }

  /**
   * One gateway's message is untrusted input (DESIGN §4): whatever its handling throws is a bug of
   * ours, recorded like an API handler's (`GET /stats` recentErrors, stderr) — never the end of the
   * process, and the next message is served.
   */
  private guarded(topic: string, payload: Buffer, packet: IPublishPacket): void {
    if (!packet.retain) this.opts.stats.mqttReceived++;
    try {
      this.onMessage(topic, payload, packet);
    } catch (e) {
      recordInternalError(this.opts.stats, this.opts.now?.() ?? 0, `mqtt ${topic} ${payload.subarray(0, 200).toString('utf8')}`, e);
    }
  }

  /**
   * Journal one message; a payload that is not JSON is kept as (at most 512 characters of) text. Only
   * the text is taken now: it is parsed when the journal is read (sim/cloud/journal.ts).
   */
  private note(direction: '→' | '←', topic: string, payload: Buffer | string): void {
    const j = this.opts.journal;
    if (!j) return;
    const text = Buffer.isBuffer(payload) ? payload.subarray(0, 512).toString('utf8') : payload.slice(0, 512);
    j.defer('mqtt', () => {
      let message: unknown;
      try {
        message = JSON.parse(text);
      } catch {
        message = text;
      }
      return { summary: `${direction} ${topic}`, detail: { topic, message }, lockId: lockIdOf(message) };
    });
  }

  private onMessage(topic: string, payload: Buffer, packet: IPublishPacket): void {
    if (this.closed) return;
    this.note('←', topic, payload);
    const t = parseGatewayTopic(topic);
    if (!t || t.ns !== (this.opts.namespace ?? '')) return void this.opts.stats.mqttDropped++;
    if (t.kind === 'status') return this.onStatus(t.apId, payload, packet.retain === true);
    if (t.kind === 'ack') {
      for (const tap of this.ackTaps) tap(t.apId, payload);
      return this.onAck(t.apId, payload);
    }
    if (t.kind === 'event') return this.onEventMessage(t.apId, payload);
    this.opts.stats.mqttDropped++;
  }

  /** Without the broker the cloud cannot know any gateway's state: all count as offline (360) until the retained statuses come back. */
  private onBrokerLost(): void {
    for (const [apId, online] of this.onlineMap) this.staleMap.set(apId, online);
    this.onlineMap.clear();
  }

  private onStatus(apId: number, payload: Buffer, retained: boolean): void {
    const s = parseStatus(payload);
    if (!s.ok) return void this.opts.stats.mqttDropped++;
    const before = this.onlineMap.get(apId) ?? this.staleMap.get(apId);
    this.staleMap.delete(apId);
    this.onlineMap.set(apId, s.value.online);
    if (s.value.online) this.opts.onSessionStart?.(apId);
    // A retained status seen at subscribe time is the initial state, not a change (no push).
    if (before === undefined && retained) return;
    if ((before ?? false) !== s.value.online) this.opts.onStatusChange(apId, s.value.online);
  }

  private onAck(apId: number, payload: Buffer): void {
    const a = parseAck(payload);
    if (!a.ok) return void this.opts.stats.mqttDropped++;
    const p = this.pending.get(a.value.id);
    // Acks for unknown or finished ids are ignored (QoS 1 redelivery, late acks; DESIGN §4).
    if (!p) return void this.opts.stats.acksIgnored++;
    // An ack counts only from the gateway the command was sent to (the topic's ap_id); any other is forged.
    if (p.apId !== apId) return void this.opts.stats.acksForged++;
    if (p.lockId !== a.value.lock_id) return void this.opts.stats.mqttDropped++;
    this.finish(a.value.id, a.value);
  }

  private onEventMessage(apId: number, payload: Buffer): void {
    const e = parseEvent(payload);
    if (!e.ok) return void this.opts.stats.mqttDropped++;
    this.opts.onEvent(apId, e.value);
  }
}
