/**
 * Test kit for the lean MQTT client: a handler that records what the client tells it, and a scripted
 * broker on real loopback TCP that answers as a test says — including as no broker should (split and
 * packed packets, silence, garbage).
 */
import { createServer, type Server, type Socket } from 'node:net';
import { listenOn, urlOf } from './http.ts';
import { waitUntil } from './wait.ts';
import type { LeanMqttOptions, MqttHandler } from './mqtt-lean-face.ts';
import { readFixedHeader } from './mqtt-lean-codec.ts';

/** What a client told its owner. */
export class Heard implements MqttHandler {
  connects = 0;
  readonly messages: { topic: string; body: string }[] = [];
  readonly errors: Error[] = [];

  connected(): void {
    this.connects++;
  }

  message(topic: string, payload: Buffer): void {
    this.messages.push({ topic, body: payload.toString('utf8') });
  }

  error(err: Error): void {
    this.errors.push(err);
  }

  /** Bounded wait (hundreds of ms of transport time) until `cond` holds. */
  until(what: string, cond: () => boolean, timeoutMs = 800): Promise<true> {
    return waitUntil(what, () => cond() || undefined, { timeoutMs, seen: () => `connects ${this.connects}, messages ${JSON.stringify(this.messages)}, errors ${this.errors.map((e) => e.message).join('; ')}` });
  }
}

/** Options of a gateway-7 client of the broker test kit, with short transport timing. */
export function gw7(url: string, extra: Partial<LeanMqttOptions> = {}): LeanMqttOptions {
  return { url, clientId: 'gw-7', username: 'gw:7', password: 'gw7-secret', clean: true, keepaliveS: 10, reconnectPeriodMs: 50, connectTimeoutMs: 500, ...extra };
}

/** One packet a client sent the scripted broker: its first byte and body. */
export interface ClientPacket {
  type: number;
  flags: number;
  body: Buffer;
}

/** One client connection as the scripted broker sees it. */
export interface ScriptedConnection {
  socket: Socket;
  packets: ClientPacket[];
  closed: boolean;
}

/**
 * A broker that frames what clients send (fixed header and remaining length, nothing more) and lets the
 * test answer: `onPacket` is called for every packet of every connection.
 */
export class ScriptedBroker {
  readonly connections: ScriptedConnection[] = [];
  private constructor(private readonly server: Server, readonly url: string) {}

  static async start(onPacket: (c: ScriptedConnection, p: ClientPacket) => void): Promise<ScriptedBroker> {
    let broker: ScriptedBroker | null = null;
    const server = createServer({ noDelay: true }, (socket) => {
      const c: ScriptedConnection = { socket, packets: [], closed: false };
      broker!.connections.push(c);
      let pending = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        pending = Buffer.concat([pending, chunk]);
        for (let p = frame(pending); p; p = frame(pending)) {
          pending = pending.subarray(p.size);
          c.packets.push(p.packet);
          onPacket(c, p.packet);
        }
      });
      socket.on('error', () => {});
      socket.on('close', () => { c.closed = true; });
    });
    await listenOn(server, 0, '127.0.0.1');
    broker = new ScriptedBroker(server, urlOf(server, 'mqtt'));
    return broker;
  }

  async close(): Promise<void> {
    for (const c of this.connections) c.socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

function frame(buf: Buffer): { packet: ClientPacket; size: number } | null {
  const h = readFixedHeader(buf, 0);
  if (h.ok === false) throw new Error(`scripted broker: ${h.error}`);
  if (h.ok === 'partial' || buf.length < h.bodyAt + h.remaining) return null;
  return { packet: { type: h.first >> 4, flags: h.first & 15, body: Buffer.from(buf.subarray(h.bodyAt, h.bodyAt + h.remaining)) }, size: h.bodyAt + h.remaining };
}

export const CONNACK_OK = Buffer.from([0x20, 0x02, 0x00, 0x00]);
export const PINGRESP = Buffer.from([0xd0, 0x00]);
/** MQTT 3.1.1 packet types a client sends. */
export const CONNECT = 1;
export const PUBACK = 4;
export const PINGREQ = 12;
