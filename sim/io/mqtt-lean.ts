import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import {
  CONNACK_REFUSALS, DISCONNECT, PINGREQ, SUBACK_FAILURE, decodePacket, encodeConnect, encodePuback, encodePublish, encodeSubscribe, withDup,
  type ServerPacket,
} from './mqtt-lean-codec.ts';
import { setDeadline, transportNow, type Deadline } from './mqtt-lean-timers.ts';
import type { GatewayMqtt, LeanMqttOptions, MqttHandler, Pending } from './mqtt-lean-face.ts';

/**
 * A small MQTT 3.1.1 client for virtual gateways (DESIGN §4, §13 memory per gateway session): what a
 * gateway uses of mqtt.js — CONNECT with a will, QoS-1 SUBSCRIBE, PUBLISH in and out at QoS 0/1,
 * keep-alive, reconnect, queueing while down — in a handful of fields per client. No emitter and no
 * closure per client: socket listeners are shared functions that find their client on the socket, the
 * owner's callbacks come as one object, and every timer is the process's one (`mqtt-lean-timers.ts`).
 */

type State = 'connecting' | 'up' | 'waiting' | 'ended';

const OWNER = Symbol('lean mqtt client');
type Owned = Socket & { [OWNER]: LeanMqtt };

const DEFAULT_MAX_PACKET_BYTES = 1 << 20;

export class LeanMqtt implements GatewayMqtt, Deadline {
  dueAt = -1;
  /** Packets from the broker that were not MQTT this client accepts; each ended its connection. */
  malformed = 0;
  private state: State = 'connecting';
  private socket: Owned | null = null;
  /** Bytes of a packet whose end has not arrived yet: null between packets. */
  private partial: Buffer | null = null;
  private lastSentAt = 0;
  private pingSent = false;
  private nextId = 0;
  /** Publishes and subscribes in flight, oldest first; null when none (almost always). */
  private pending: Pending[] | null = null;
  /** QoS-0 publishes made while down, sent on the next connection. */
  private queued: Buffer[] | null = null;
  /**
   * The CONNECT, made once for every connection, as a one-byte string: a kept Buffer costs a view, an
   * ArrayBuffer and its backing store (~300 B), or as a slice it keeps Node's whole 8 KB pool alive.
   * The options themselves are not kept (a field each is smaller).
   */
  private readonly connectBytes: string;
  private readonly url: string;
  private readonly host: string;
  private readonly port: number;
  private readonly tls: LeanMqttOptions['tls'];
  private readonly keepaliveMs: number;
  private readonly pingTimeoutMs: number;
  private readonly reconnectPeriodMs: number;
  private readonly connectTimeoutMs: number;
  private readonly maxPacketBytes: number;

  constructor(o: LeanMqttOptions, private readonly handler: MqttHandler) {
    this.url = o.url;
    const u = new URL(o.url);
    this.host = u.hostname.replace(/^\[(.*)\]$/, '$1');
    const tls = ['mqtts:', 'ssl:', 'tls:'].includes(u.protocol);
    if (!tls && u.protocol !== 'mqtt:' && u.protocol !== 'tcp:') throw new Error(`lean MQTT url: scheme must be mqtt: tcp: mqtts: ssl: or tls:, got "${u.protocol}"`);
    this.port = u.port === '' ? (tls ? 8883 : 1883) : Number(u.port);
    this.tls = tls ? (o.tls ?? {}) : undefined;
    this.keepaliveMs = o.keepaliveS * 1000;
    this.pingTimeoutMs = o.pingTimeoutMs ?? this.keepaliveMs;
    this.reconnectPeriodMs = o.reconnectPeriodMs;
    this.connectTimeoutMs = o.connectTimeoutMs;
    this.maxPacketBytes = o.maxPacketBytes ?? DEFAULT_MAX_PACKET_BYTES;
    this.connectBytes = encodeConnect(o).toString('latin1');
    this.open();
  }

  get connected(): boolean {
    return this.state === 'up';
  }

  subscribe(topic: string, qos: 0 | 1): Promise<void> {
    if (this.state !== 'up') return Promise.reject(new Error(`MQTT subscribe to ${topic}: not connected`));
    const messageId = this.takeId();
    return this.track(encodeSubscribe(messageId, topic, qos), messageId, true);
  }

  publish(topic: string, payload: string | Buffer, opts: { qos: 0 | 1; retain?: boolean }): Promise<void> {
    if (this.state === 'ended') return Promise.reject(new Error(`MQTT publish to ${topic}: the client has ended`));
    const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
    if (opts.qos === 1) {
      const messageId = this.takeId();
      return this.track(encodePublish(topic, body, 1, opts.retain ?? false, messageId), messageId, false);
    }
    const bytes = encodePublish(topic, body, 0, opts.retain ?? false, 0);
    if (this.state === 'up') this.write(bytes);
    else (this.queued ??= []).push(bytes);
    return Promise.resolve();
  }

  async end(force = false): Promise<void> {
    if (this.state === 'ended') return;
    const socket = this.socket;
    const clean = !force && this.state === 'up';
    this.state = 'ended';
    setDeadline(this, -1);
    this.failPending(new Error('MQTT client ended'), false);
    this.queued = null;
    if (!socket) return;
    const closed = new Promise((resolve) => socket.once('close', resolve));
    if (clean) socket.end(DISCONNECT);
    else socket.destroy();
    await closed;
  }

  drop(): void {
    const socket = this.socket;
    if (!socket) return;
    // Down at once (the gateway reads `connected` right after a link-drop lever), not at the socket's 'close'.
    this.closed(socket);
    socket.destroy();
  }

  /** The shared timer's call: a connect that took too long, a keep-alive due, a PINGRESP missed, or time to reconnect. */
  due(now: number): void {
    if (this.state === 'waiting') return this.open();
    if (this.state === 'connecting') return this.lose(new Error(`MQTT ${this.url}: no CONNACK within ${this.connectTimeoutMs} ms`));
    if (this.state !== 'up') return;
    if (this.pingSent) return this.lose(new Error(`MQTT ${this.url}: no PINGRESP within ${this.pingTimeoutMs} ms`));
    if (now - this.lastSentAt < this.keepaliveMs) return setDeadline(this, this.lastSentAt + this.keepaliveMs);
    this.write(PINGREQ);
    this.pingSent = true;
    setDeadline(this, now + this.pingTimeoutMs);
  }

  private open(): void {
    this.state = 'connecting';
    const raw = netConnect({ host: this.host, port: this.port, noDelay: true });
    const tls = this.tls;
    const socket = (tls ? tlsConnect({ ...tls, servername: tls.servername ?? this.host, socket: raw }) : raw) as Owned;
    socket[OWNER] = this;
    socket.on(tls ? 'secureConnect' : 'connect', onSocketOpen);
    socket.on('data', onSocketData);
    socket.on('error', onSocketError);
    socket.on('close', onSocketClose);
    this.socket = socket;
    setDeadline(this, transportNow() + this.connectTimeoutMs);
  }

  /** The socket is open: CONNECT goes first. */
  opened(socket: Owned): void {
    if (socket !== this.socket) return;
    socket.write(this.connectBytes, 'latin1');
    this.lastSentAt = transportNow();
  }

  /** Bytes from the broker: whole packets are handled, the tail of a split one kept until the rest arrives. */
  read(socket: Owned, chunk: Buffer): void {
    if (socket !== this.socket) return;
    const buf = this.partial ? Buffer.concat([this.partial, chunk]) : chunk;
    this.partial = null;
    let at = 0;
    while (at < buf.length && socket === this.socket) {
      const d = decodePacket(buf, at, this.maxPacketBytes);
      if (d.ok === 'partial') {
        // A copy: the rest of a socket's chunk is not kept alive for a few bytes.
        this.partial = Buffer.from(buf.subarray(at));
        return;
      }
      if (!d.ok) {
        this.malformed++;
        return this.lose(new Error(`MQTT ${this.url}: malformed packet from the broker: ${d.error}`));
      }
      at += d.size;
      this.handle(d.packet);
    }
  }

  /** The socket closed or failed: everything of this connection is dropped, and a reconnect planned unless ended. */
  closed(socket: Owned, err?: Error): void {
    if (socket !== this.socket) return;
    const wasUp = this.state === 'up';
    this.socket = null;
    this.partial = null;
    this.pingSent = false;
    // Subscribes belong to their connection; publishes wait for the next one (as mqtt.js keeps them).
    this.failPending(new Error('MQTT connection lost'), true);
    if (this.state === 'ended') return;
    this.state = 'waiting';
    setDeadline(this, transportNow() + this.reconnectPeriodMs);
    // Told after the reconnect is planned: the handler may end the client instead.
    const why = err ?? (wasUp ? null : new Error(`MQTT connection to ${this.url} closed before its CONNACK`));
    if (why) this.handler.error(why);
  }

  private handle(p: ServerPacket): void {
    switch (p.type) {
      case 'connack':
        return this.connack(p.returnCode);
      case 'publish':
        if (p.qos === 1) this.write(encodePuback(p.messageId));
        // QoS 1 is at least once: a redelivery (DUP) is delivered again, as mqtt.js does; DESIGN §4 dedups by command id.
        return this.handler.message(p.topic, p.payload);
      case 'puback':
        return this.answered(p.messageId, null);
      case 'suback':
        return this.answered(p.messageId, p.granted.includes(SUBACK_FAILURE) ? new Error(`MQTT SUBACK ${p.messageId}: subscription refused (0x80)`) : null);
      case 'pingresp':
        this.pingSent = false;
        return setDeadline(this, this.lastSentAt + this.keepaliveMs);
    }
  }

  private connack(returnCode: number): void {
    if (this.state !== 'connecting') return this.lose(new Error(`MQTT ${this.url}: a second CONNACK`));
    if (returnCode !== 0) {
      const err = Object.assign(new Error(`MQTT ${this.url}: connection refused, CONNACK code ${returnCode} (${CONNACK_REFUSALS[returnCode] ?? 'unknown code'})`), { code: returnCode });
      return this.lose(err);
    }
    this.state = 'up';
    setDeadline(this, this.keepaliveMs > 0 ? transportNow() + this.keepaliveMs : -1);
    // What waited for a connection goes first, oldest first; a QoS-1 publish sent before is marked a resend.
    for (const q of this.queued ?? []) this.write(q);
    this.queued = null;
    for (const p of this.pending ?? []) {
      this.write(p.sent ? withDup(p.bytes) : p.bytes);
      p.sent = true;
    }
    this.handler.connected();
  }

  private track(bytes: Buffer, messageId: number, subscribe: boolean): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const p: Pending = { messageId, bytes, resolve, reject, subscribe, sent: this.state === 'up' };
      (this.pending ??= []).push(p);
      if (p.sent) this.write(bytes);
    });
  }

  private answered(messageId: number, err: Error | null): void {
    const list = this.pending;
    const i = list ? list.findIndex((p) => p.messageId === messageId) : -1;
    if (i < 0) return;
    const p = list![i]!;
    list!.splice(i, 1);
    if (list!.length === 0) this.pending = null;
    if (err) p.reject(err);
    else p.resolve();
  }

  /** Reject what waits: all of it, or with `subscribesOnly` the subscribes (publishes are resent on reconnect). */
  private failPending(err: Error, subscribesOnly: boolean): void {
    const list = this.pending;
    if (!list) return;
    const kept = subscribesOnly ? list.filter((p) => !p.subscribe) : [];
    this.pending = kept.length > 0 ? kept : null;
    for (const p of list) if (!subscribesOnly || p.subscribe) p.reject(err);
  }

  /** A message id 1–65535 not in flight (MQTT 3.1.1 §2.3.1). */
  private takeId(): number {
    do this.nextId = (this.nextId % 0xffff) + 1;
    while (this.pending?.some((p) => p.messageId === this.nextId));
    return this.nextId;
  }

  private write(bytes: Buffer): void {
    this.socket?.write(bytes);
    this.lastSentAt = transportNow();
  }

  /** End this connection with an error (the client reconnects unless ended). */
  private lose(err: Error): void {
    const socket = this.socket;
    if (!socket) return;
    this.closed(socket, err);
    socket.destroy();
  }
}

function onSocketOpen(this: Owned): void {
  this[OWNER].opened(this);
}

function onSocketData(this: Owned, chunk: Buffer): void {
  this[OWNER].read(this, chunk);
}

function onSocketError(this: Owned, err: Error): void {
  this[OWNER].closed(this, err);
}

function onSocketClose(this: Owned): void {
  this[OWNER].closed(this);
}
