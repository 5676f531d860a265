import { connect as netConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import mqtt, { MqttClient, type IClientOptions } from 'mqtt';

/**
 * An MQTT client with Nagle off from the first byte, CONNECT included (with Nagle on, one
 * request/reply costs ~88 ms). TCP and TLS URLs get their own stream builder, so every reconnect
 * builds a no-delay socket too; WebSocket streams hide their socket until the connection is up, so
 * there Nagle goes off at each `connect`.
 */
export function mqttClient(url: string, opts: IClientOptions): MqttClient {
  const u = new URL(url);
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  if (u.protocol === 'mqtt:' || u.protocol === 'tcp:') {
    const port = u.port === '' ? 1883 : Number(u.port);
    return new MqttClient(() => netConnect({ host, port, noDelay: true }), { ...opts, protocol: 'mqtt', host, port });
  }
  if (u.protocol === 'mqtts:' || u.protocol === 'ssl:' || u.protocol === 'tls:') {
    const port = u.port === '' ? 8883 : Number(u.port);
    const tls = { ca: opts.ca, cert: opts.cert, key: opts.key, rejectUnauthorized: opts.rejectUnauthorized, servername: opts.servername ?? host };
    return new MqttClient(() => tlsConnect({ ...tls, socket: netConnect({ host, port, noDelay: true }) }), { ...opts, protocol: 'mqtts', host, port });
  }
  const client = mqtt.connect(url, opts);
  client.on('connect', () => (client.stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true));
  return client;
}

/**
 * `mqttClient`, resolved at its first CONNACK. A refusal or a socket closed before the CONNACK
 * rejects (and ends the client) instead of retrying, so a caller's `connectTimeout` bounds the wait.
 */
export function connectMqtt(url: string, opts: IClientOptions): Promise<MqttClient> {
  const client = mqttClient(url, opts);
  return new Promise((resolve, reject) => {
    const done = (): void => {
      client.off('connect', onConnect);
      client.off('error', onError);
      client.off('close', onClose);
    };
    const onConnect = (): void => {
      done();
      resolve(client);
    };
    const onError = (err: Error): void => {
      done();
      client.end(true);
      reject(err);
    };
    const onClose = (): void => onError(new Error(`MQTT connection to ${url} closed before its CONNACK`));
    client.on('connect', onConnect);
    client.on('error', onError);
    client.on('close', onClose);
  });
}
