/**
 * The MQTT part of a test's wire log (DESIGN §14) on an external broker (DESIGN §13): a read-only client
 * (`npm run broker-config` writes it as user `tap`, `DIR/tap.url`) subscribed to one world's namespace.
 * The embedded aedes broker is tapped in-process instead; both record through `recordMqtt`, so the
 * entries and the sequence diagrams are the same on either broker.
 */
import { randomUUID } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import { topicRoot } from '../../../sim/protocol/index.ts';
import { connectMqtt, withTimeout } from '../../../sim/io/index.ts';
import type { WireLog } from '../../client/wire-log.ts';
import { PreflightError } from '../core/preflight.ts';

export const TAP_VARIABLE = 'LOCKBENCH_MQTT_TAP_URL';
/** DESIGN §4's topics: every one goes into the wire log, whichever way it flows. */
const KINDS = ['cmd', 'status', 'ack', 'event'] as const;
/** Bounds of the tap's own broker round trips (loopback or LAN); a tap that cannot keep them up stops the run. */
const CONNECT_TIMEOUT_MS = 3000;
const FLUSH_TIMEOUT_MS = 1000;

/** One MQTT message into the wire log: the topic as summary, the body as JSON, else as the text it is. */
export function recordMqtt(wire: WireLog, topic: string, payload: Buffer): void {
  const text = payload.toString('utf8');
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: shown as text, which is what a malformed message looks like.
  }
  wire.add('mqtt', topic, body);
}

/** `mqtt://USER:PASSWORD@HOST:PORT` of the tap; the error never echoes the password. */
export function parseTapUrl(raw: string): { ok: true; url: string; username: string; password: string } | { ok: false; error: string } {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return { ok: false, error: 'is not a URL (expected mqtt://tap:PASSWORD@HOST:PORT, broker-config\'s DIR/tap.url)' };
  }
  if (!['mqtt:', 'tcp:', 'mqtts:', 'ws:', 'wss:'].includes(u.protocol)) return { ok: false, error: `scheme must be mqtt: tcp: mqtts: ws: or wss:, got "${u.protocol}"` };
  if (u.hostname === '') return { ok: false, error: 'has no host' };
  const username = decodeURIComponent(u.username);
  const password = decodeURIComponent(u.password);
  if (username === '' || password === '') return { ok: false, error: 'has no user or no password (mqtt://tap:PASSWORD@HOST:PORT)' };
  u.username = '';
  u.password = '';
  return { ok: true, url: u.toString().replace(/\/$/, ''), username, password };
}

/** A read-only subscriber to every §4 topic of one namespace, recording into the wire log being watched. */
export class MqttTap {
  private wire: WireLog | undefined;

  private constructor(private readonly client: MqttClient, private readonly flushTopic: string) {
    // A lost connection is mqtt.js's to restore (it reconnects and resubscribes); a flush meanwhile times out.
    client.on('error', () => undefined);
    client.on('message', (topic, payload, packet) => {
      // A retained message replayed at a (re)subscribe — mqtt.js resubscribes after a reconnect — is the
      // broker's memory, not traffic of this test; live messages reach a subscriber with retain unset.
      if (this.wire && !packet.retain) recordMqtt(this.wire, topic, payload);
    });
  }

  /** Connect with the tap identity and subscribe to `namespace`'s §4 topics; the error names `TAP_VARIABLE`. */
  static async connect(rawUrl: string, namespace: string): Promise<MqttTap> {
    const parsed = parseTapUrl(rawUrl);
    if (!parsed.ok) throw new Error(`${TAP_VARIABLE} ${parsed.error}`);
    const root = topicRoot(namespace);
    let client: MqttClient | undefined;
    try {
      client = await connectMqtt(parsed.url, {
        protocolVersion: 4, username: parsed.username, password: parsed.password, clean: true,
        clientId: `${namespace ? `${namespace}/` : ''}tap-${randomUUID()}`, connectTimeout: CONNECT_TIMEOUT_MS, reconnectPeriod: 1000,
      });
      const grants = await withTimeout(client.subscribeAsync(KINDS.map((k) => `${root}/+/${k}`), { qos: 1 }), CONNECT_TIMEOUT_MS, 'the tap\'s SUBACK');
      if (grants.some((g) => g.qos === 128)) throw new Error('the broker refused its subscriptions');
    } catch (e) {
      await client?.endAsync(true);
      throw new Error(`${TAP_VARIABLE}: cannot tap ${parsed.url} as ${parsed.username}: ${(e as Error).message}`);
    }
    return new MqttTap(client, `${root}/tap-flush`);
  }

  /**
   * Wait until every message the broker routed to the tap before now has arrived: an UNSUBSCRIBE (of a
   * filter never subscribed, so nothing changes) is answered after the messages queued ahead of it.
   */
  flush(): Promise<void> {
    return withTimeout(this.client.unsubscribeAsync(this.flushTopic).then(() => undefined), FLUSH_TIMEOUT_MS, 'the MQTT tap to catch up');
  }

  /** Record into `wire` until the returned function, which first lets what is in flight arrive. */
  watch(wire: WireLog): () => Promise<void> {
    this.wire = wire;
    return async () => {
      try {
        await this.flush();
      } finally {
        if (this.wire === wire) this.wire = undefined;
      }
    };
  }

  close(): Promise<void> {
    this.wire = undefined;
    return this.client.endAsync();
  }
}

/**
 * Once per run (Playwright global setup): with an external broker, a tap that cannot connect stops the run
 * here, naming the variable; without a tap, the run says once that its wire logs have no MQTT.
 */
export async function tapPreflight(env: NodeJS.ProcessEnv, say: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<void> {
  if ((env.LOCKBENCH_TARGET ?? 'sim') !== 'sim') return;
  const tapUrl = env[TAP_VARIABLE];
  if (!env.LOCKBENCH_MQTT_URL) {
    if (tapUrl) say(`lockbench: ${TAP_VARIABLE} is for an external broker (LOCKBENCH_MQTT_URL); the embedded broker is tapped in-process`);
    return;
  }
  if (!tapUrl) {
    say(`lockbench: the wire logs hold no MQTT on the external broker: set ${TAP_VARIABLE} (broker-config's DIR/tap.url) to record it`);
    return;
  }
  const tap = await MqttTap.connect(tapUrl, '').catch((e: unknown) => {
    throw new PreflightError(`not starting: ${(e as Error).message}`);
  });
  await tap.close();
}
