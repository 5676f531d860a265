import type { MqttClient } from 'mqtt';
import { mqttClient } from './mqtt.ts';
import { LeanMqtt } from './mqtt-lean.ts';
import type { GatewayMqtt, LeanMqttOptions, MqttHandler } from './mqtt-lean-face.ts';

/**
 * A gateway's MQTT client for its broker URL: the lean client for TCP and TLS, mqtt.js for WebSocket URLs
 * (an external broker may be given as `ws:`/`wss:`, DESIGN §13), behind one face.
 */
export function gatewayMqtt(o: LeanMqttOptions, handler: MqttHandler): GatewayMqtt {
  const protocol = new URL(o.url).protocol;
  return protocol === 'ws:' || protocol === 'wss:' ? new MqttJsGateway(o, handler) : new LeanMqtt(o, handler);
}

/** mqtt.js behind `GatewayMqtt`, for WebSocket URLs only: a few of them, so its per-client cost does not matter. */
class MqttJsGateway implements GatewayMqtt {
  private readonly client: MqttClient;

  constructor(o: LeanMqttOptions, handler: MqttHandler) {
    this.client = mqttClient(o.url, {
      protocolVersion: 4,
      clientId: o.clientId,
      username: o.username,
      password: o.password,
      clean: o.clean,
      keepalive: o.keepaliveS,
      reconnectPeriod: o.reconnectPeriodMs,
      connectTimeout: o.connectTimeoutMs,
      // The session subscribes on each connect, in order with its status publish (DESIGN §4).
      resubscribe: false,
      ...(o.will ? { will: o.will } : {}),
    });
    this.client.on('connect', () => handler.connected());
    this.client.on('message', (topic, payload) => handler.message(topic, payload));
    this.client.on('error', (err) => handler.error(err));
  }

  get connected(): boolean {
    return this.client.connected;
  }

  async subscribe(topic: string, qos: 0 | 1): Promise<void> {
    const granted = await this.client.subscribeAsync(topic, { qos });
    if (granted.some((g) => g.qos === 0x80)) throw new Error(`MQTT subscribe to ${topic}: refused (0x80)`);
  }

  async publish(topic: string, payload: string | Buffer, opts: { qos: 0 | 1; retain?: boolean }): Promise<void> {
    await this.client.publishAsync(topic, payload, { qos: opts.qos, retain: opts.retain ?? false });
  }

  end(force = false): Promise<void> {
    return this.client.endAsync(force);
  }

  drop(): void {
    this.client.stream.destroy();
  }
}
