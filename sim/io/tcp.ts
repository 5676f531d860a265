import { createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP server whose accepted sockets have Nagle off from their first byte (with Nagle on, one MQTT
 * request/reply costs ~88 ms): the server side of `mqttClient`.
 */
export function noDelayServer(onSocket?: (socket: Socket) => void): Server {
  return createServer({ noDelay: true }, onSocket);
}
