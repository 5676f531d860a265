import type { ConnectionOptions } from 'node:tls';
import type { ConnectFields } from './mqtt-lean-codec.ts';

/**
 * The faces of a gateway's MQTT client (DESIGN §4, §13): what its owner hears (`MqttHandler`), what the
 * gateway's session asks of it (`GatewayMqtt`, the lean client's and mqtt.js's behind one), how the lean
 * one is made (`LeanMqttOptions`) and what it keeps of a message in flight (`Pending`).
 */

/** What the owner of a client hears, as methods of one object. */
export interface MqttHandler {
  /** A CONNACK accepted: the first session and every reconnect. */
  connected(): void;
  message(topic: string, payload: Buffer): void;
  /** A refusal, a socket error, a malformed packet, a missed PINGRESP: the client reconnects unless ended. */
  error(err: Error): void;
}

/** The client as a gateway's session speaks to it (mqtt.js behind the same face for WebSocket URLs). */
export interface GatewayMqtt {
  /** A CONNACK accepted and the connection not lost or ended since. */
  readonly connected: boolean;
  /** Resolves at the SUBACK; a refusal (0x80) or a lost connection rejects. */
  subscribe(topic: string, qos: 0 | 1): Promise<void>;
  /** QoS 1 resolves at the PUBACK, QoS 0 once written; made while down, it is sent on the next connection. */
  publish(topic: string, payload: string | Buffer, opts: { qos: 0 | 1; retain?: boolean }): Promise<void>;
  /** Stop for good: DISCONNECT first (the broker drops the will), or with `force` just close the socket (the will fires). */
  end(force?: boolean): Promise<void>;
  /** Close the socket without DISCONNECT (a link drop): the will fires and the client reconnects after its period. */
  drop(): void;
}

export interface LeanMqttOptions extends ConnectFields {
  /** `mqtt:`/`tcp:` (port 1883 by default) or `mqtts:`/`ssl:`/`tls:` (8883). */
  url: string;
  /** Delay before reconnecting after a lost connection, ms. */
  reconnectPeriodMs: number;
  /** Bound on socket + CONNACK for each connection, ms. */
  connectTimeoutMs: number;
  /** How long a PINGREQ may go unanswered before the connection is dropped, ms; default the keep-alive. */
  pingTimeoutMs?: number;
  /** Largest packet accepted from the broker, bytes; larger ends the connection; default 1 MiB. */
  maxPacketBytes?: number;
  /** TLS settings for `mqtts:` URLs. */
  tls?: Pick<ConnectionOptions, 'ca' | 'cert' | 'key' | 'rejectUnauthorized' | 'servername'>;
}

/** A QoS-1 publish or a subscribe waiting for its answer (and, while down, for a connection to go out on). */
export interface Pending {
  messageId: number;
  bytes: Buffer;
  resolve: () => void;
  reject: (err: Error) => void;
  /** A subscribe is not resent on a new connection: the session subscribes again (DESIGN §4). */
  subscribe: boolean;
  /** Written on some connection already: a resend carries DUP (MQTT 3.1.1 §3.3.1.1). */
  sent: boolean;
}
