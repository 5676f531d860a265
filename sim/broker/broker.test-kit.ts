import mqtt, { type MqttClient } from 'mqtt';
import { Broker, type BrokerOptions } from './broker.ts';

/** The credentials of the one gateway the broker tests know (DESIGN §4: `gw:{ap_id}` and its secret). */
export const GW = { username: 'gw:7', password: 'gw7-secret' };

/**
 * A broker on a free port that knows the cloud and gateway 7, for one test body; every client the body
 * opened is ended and the broker closed afterwards.
 */
export async function withBroker(body: (b: Broker, clients: MqttClient[]) => Promise<void>, extra: Partial<BrokerOptions> = {}): Promise<void> {
  const broker = await Broker.create({ cloudPassword: 'cloud-pw', gatewaySecret: (id) => (id === 7 ? GW.password : undefined), ...extra });
  const clients: MqttClient[] = [];
  try {
    await body(broker, clients);
  } finally {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await broker.close();
  }
}

/** An MQTT 3.1.1 client that does not reconnect, kept for the body's cleanup; its errors are the test's to read. */
export async function connect(broker: Broker, clients: MqttClient[], opts: mqtt.IClientOptions, connectTimeoutMs = 500): Promise<MqttClient> {
  const c = await mqtt.connectAsync(broker.url, { protocolVersion: 4, reconnectPeriod: 0, connectTimeout: connectTimeoutMs, ...opts }, false);
  c.on('error', () => {});
  clients.push(c);
  return c;
}
