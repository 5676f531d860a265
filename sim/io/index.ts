// Transport plumbing shared by the simulator and the harness (DESIGN §1 `sim/io`): imports nothing of ours.
// The serial port keeper is imported from './port-keeper.ts' directly: only serial rooms should load serialport.
export { connectMqtt, mqttClient } from './mqtt.ts';
export type { GatewayMqtt, MqttHandler } from './mqtt-lean-face.ts';
export { gatewayMqtt } from './mqtt-lean-ws.ts';
export { closeServer, listenOn, urlOf } from './http.ts';
export { noDelayServer } from './tcp.ts';
export { freePort } from './free-port.ts';
export { TimeoutError, withTimeout } from './timeout.ts';
export { waitUntil, type WaitOptions } from './wait.ts';
export { exitOf, stopChild } from './child-exit.ts';
