import { connect as netConnect } from 'node:net';
import mqtt, { MqttClient, type IClientOptions } from 'mqtt';

/**
 * An MQTT client with Nagle off from the first byte (DESIGN §10: with Nagle, a request/reply costs
 * ~88 ms). `mqtt:`/`tcp:` URLs get their own stream builder; other schemes (mqtts, ws) go through
 * `mqtt.connect` and turn Nagle off when each connection is up.
 */
export function connectNoDelay(url: string, opts: IClientOptions): MqttClient {
  const u = new URL(url);
  if (u.protocol === 'mqtt:' || u.protocol === 'tcp:') {
    const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
    const port = u.port === '' ? 1883 : Number(u.port);
    return new MqttClient(() => netConnect({ host, port, noDelay: true }), { ...opts, protocol: 'mqtt', host, port });
  }
  const client = mqtt.connect(url, opts);
  client.on('connect', () => {
    const stream = client.stream as { setNoDelay?: (on: boolean) => void };
    stream.setNoDelay?.(true);
  });
  return client;
}
