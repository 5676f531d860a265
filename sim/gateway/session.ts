import { gatewayClientId, gatewayTopic } from '../protocol/index.ts';
import { gatewayMqtt, withTimeout, type GatewayMqtt, type MqttHandler } from '../io/index.ts';

const ONLINE = { online: true };
const OFFLINE = { online: false };

/** What a gateway's session tells its gateway. */
export interface SessionHost {
  /** Each session (the first and every reconnect) is set up, before its status goes out. */
  sessionStarted(): void;
  sessionMessage(topic: string, payload: Buffer): void;
  /** After each (re)connect once `cmd` is subscribed and the online status published. */
  sessionUp(): void;
}

/** How a gateway's MQTT session is opened (DESIGN §4). */
export interface SessionOptions {
  mqttUrl: string;
  apId: number;
  secret: string;
  /** The world's namespace on a shared broker (DESIGN §13); '' is §4 exactly. */
  namespace: string;
  keepaliveS: number;
  /** Delay before reconnecting after an abrupt loss, ms. */
  reconnectPeriodMs: number;
  /** Bound on the first connect + subscribe + status publish, ms. */
  connectTimeoutMs: number;
  /** Whether the connection carries the retained `{"online":false}` will (off: `gateway-no-will`). */
  will: boolean;
  /** MQTT client id; default `gw-{ap_id}`. */
  clientId?: string;
  /** Whether `{"online":true}` is retained (off: `gateway-status-not-retained`); default true. */
  statusRetained?: boolean;
  /** Who hears the session: each set-up, each message, each time it is up (one object, not a callback each: DESIGN §13). */
  host: SessionHost;
  /** MQTT clean session; default true. false: the broker keeps the subscription and queues QoS-1 `cmd`s while away (DESIGN §4 is silent). */
  clean?: boolean;
  /** Extra retained `{"online": true}` publishes after the first, on each connection (DESIGN §4 is silent on repeats); default 0. */
  statusRepeats?: number;
  /** Fields beyond §4's added to the status and the will (DESIGN §4: a receiver ignores them); default none. */
  dress?: (body: object) => object;
}

/**
 * Connect as `gw:{ap_id}` (MQTT 3.1.1, clean session unless `clean` is false, will = retained QoS 1 `{"online":false}` on
 * `status`); on every (re)connect subscribe QoS 1 to `cmd`, then publish retained `{"online":true}`
 * — in that order, so a cloud that sees the gateway online can already reach it. Resolves with the
 * client once the first session is set up; rejects (and ends the client) on refusal or timeout.
 * The client is the lean one of `sim/io` (DESIGN §13 memory per gateway session; mqtt.js for WebSocket URLs).
 */
export function openSession(o: SessionOptions): Promise<GatewayMqtt> {
  const status = gatewayTopic(o.apId, 'status', o.namespace);
  const setUp = new SessionSetUp(o);
  const timeoutMs = o.connectTimeoutMs;
  const client = gatewayMqtt({
    url: o.mqttUrl,
    clientId: o.clientId ?? gatewayClientId(o.apId, o.namespace),
    username: `gw:${o.apId}`,
    password: o.secret,
    clean: o.clean ?? true,
    keepaliveS: o.keepaliveS,
    reconnectPeriodMs: o.reconnectPeriodMs,
    connectTimeoutMs: o.connectTimeoutMs,
    ...(o.will ? { will: { topic: status, payload: Buffer.from(bodyOf(o.dress, OFFLINE)), qos: 1 as const, retain: true } } : {}),
  }, setUp);
  return setUp.start(client, timeoutMs);
}

function bodyOf(dress: ((body: object) => object) | undefined, b: object): string {
  return JSON.stringify(dress ? dress(b) : b);
}

/** Waits on the first session to come up: settled once, then dropped. */
interface FirstSession {
  resolve: (client: GatewayMqtt) => void;
  reject: (err: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * What a gateway's client does on each (re)connect, as the client's handler (methods rather than
 * closures: a fleet holds thousands of clients, and under tsx each named closure carries ~256 B of
 * name property, DESIGN §13 memory per gateway session). What only the first session needs is dropped
 * once it settles; later errors belong to reconnects, which the client makes by itself. Of its options
 * it keeps the few each reconnect reads, not the options object.
 */
class SessionSetUp implements MqttHandler {
  private first: FirstSession | null = null;
  private client: GatewayMqtt | null = null;
  private readonly host: SessionHost;
  private readonly apId: number;
  private readonly namespace: string;
  private readonly statusRetained: boolean;
  private readonly statusRepeats: number;
  private readonly dress: ((body: object) => object) | undefined;

  constructor(o: SessionOptions) {
    this.host = o.host;
    this.apId = o.apId;
    this.namespace = o.namespace;
    this.statusRetained = o.statusRetained ?? true;
    this.statusRepeats = o.statusRepeats ?? 0;
    this.dress = o.dress;
  }

  start(client: GatewayMqtt, timeoutMs: number): Promise<GatewayMqtt> {
    this.client = client;
    return new Promise<GatewayMqtt>((resolve, reject) => {
      const timer = setTimeout(() => this.error(new Error(`gateway ${this.apId}: no MQTT session within ${timeoutMs} ms`)), timeoutMs);
      this.first = { resolve, reject, timer };
    });
  }

  message(topic: string, payload: Buffer): void {
    this.host.sessionMessage(topic, payload);
  }

  connected(): void {
    this.setUp().then(
      () => {
        this.host.sessionUp();
        this.settle()?.resolve(this.client!);
      },
      (err: Error) => {
        if (this.first) this.error(err);
        // A later session that cannot subscribe is useless: drop it and let the client reconnect.
        else this.client!.drop();
      },
    );
  }

  /** Fails the first session (ending the client); after it, errors are the reconnects' own. */
  error(err: Error): void {
    const first = this.settle();
    if (!first) return;
    void this.client!.end(true);
    first.reject(err);
  }

  private async setUp(): Promise<void> {
    const client = this.client!;
    await client.subscribe(gatewayTopic(this.apId, 'cmd', this.namespace), 1);
    this.host.sessionStarted();
    // Each repeat is the same state again: it must not read as a change (DESIGN §3.4 type 1 is "on every change").
    // The topic made again per connection rather than kept: a string per gateway for a few reconnects.
    const status = gatewayTopic(this.apId, 'status', this.namespace);
    for (let i = 0; i <= this.statusRepeats; i++) await client.publish(status, bodyOf(this.dress, ONLINE), { qos: 1, retain: this.statusRetained });
  }

  /** The first session's waiter, taken once, its timer stopped. */
  private settle(): FirstSession | null {
    const first = this.first;
    if (!first) return null;
    this.first = null;
    clearTimeout(first.timer);
    return first;
  }
}

/**
 * Clean disconnect (DESIGN §4): publish retained `{"online":false}`, then DISCONNECT so the broker
 * discards the will. Bounded by `timeoutMs`; a connection that does not answer is destroyed.
 */
export async function closeSession(client: GatewayMqtt, apId: number, namespace: string, timeoutMs: number, dress: (b: object) => object = (b) => b): Promise<void> {
  const ok = (p: Promise<unknown>, what: string): Promise<boolean> => withTimeout(p, timeoutMs, what).then(() => true, () => false);
  if (client.connected && (await ok(client.publish(gatewayTopic(apId, 'status', namespace), JSON.stringify(dress(OFFLINE)), { qos: 1, retain: true }), 'status offline'))) {
    if (!(await ok(client.end(), 'disconnect'))) client.drop();
    return;
  }
  // Not connected, or the status did not go out: end without DISCONNECT, so the will reports it.
  if (!(await ok(client.end(true), 'forced end'))) client.drop();
}
