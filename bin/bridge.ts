/**
 * `npm run bridge -- --serial PATH --ap-id N --mqtt URL --secret S [--lock-id N]`: the lab bridge
 * (DESIGN §6) — a virtual gateway joining the broker as `gw:{ap_id}` whose radio is a lockwire
 * link on a serial port. Without --lock-id the device is asked with `info`. Prints one JSON line
 * `{"ready": true, "ap_id", "lock_id", "serial"}` when connected; logs go to stderr.
 */
import { parseArgs } from 'node:util';
import { VirtualGateway } from '../sim/gateway/index.ts';
import { SerialLink } from '../harness/serial/serial-link.ts';

const NAME = 'lockbench bridge';

function fail(message: string, code = 2): never {
  process.stderr.write(`${NAME}: ${message}\n`);
  process.exit(code);
}

function uint(v: string | undefined, flag: string, min: number, max: number): number {
  const n = Number(v);
  if (v === undefined || !/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < min || n > max) {
    fail(`${flag} must be an integer ${min}…${max}, got "${v ?? ''}"`);
  }
  return n;
}

let args;
try {
  args = parseArgs({
    options: {
      serial: { type: 'string' },
      'ap-id': { type: 'string' },
      mqtt: { type: 'string' },
      secret: { type: 'string' },
      'lock-id': { type: 'string' },
      'lock-timeout-ms': { type: 'string', default: '2000' },
      'identify-timeout-ms': { type: 'string', default: '10000' },
      wire: { type: 'boolean', default: false },
    },
    strict: true,
  }).values;
} catch (e) {
  fail((e as Error).message);
}
if (!args.serial) fail('--serial PATH is required');
const apId = uint(args['ap-id'], '--ap-id', 1, 0xffffffff);
if (!args.mqtt || !/^(mqtts?|tcp|ssl|wss?):\/\/./.test(args.mqtt)) fail(`--mqtt must be a broker URL like mqtt://127.0.0.1:1883, got "${args.mqtt ?? ''}"`);
// Never echo the secret itself (house rule: no secrets in logs).
if (!args.secret) fail('--secret is required (the gateway\'s broker secret)');
const lockTimeoutMs = uint(args['lock-timeout-ms'], '--lock-timeout-ms', 1, 600_000);
const identifyTimeoutMs = uint(args['identify-timeout-ms'], '--identify-timeout-ms', 1, 3_600_000);
const lockIdArg = args['lock-id'] === undefined ? undefined : uint(args['lock-id'], '--lock-id', 1, 0xffffffff);

const log = (line: string): void => void process.stderr.write(`${NAME}: ${line}\n`);
const linkOptions = { path: args.serial, log };

let link: SerialLink | undefined;
let gateway: VirtualGateway | undefined;
let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log(`${signal}, stopping`);
  const timer = setTimeout(() => fail('close took over 5 s, exiting anyway', 1), 5000);
  timer.unref();
  // The gateway publishes {"online": false}, disconnects and closes its links (the serial port).
  if (gateway) await gateway.close();
  else await link?.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));

if (lockIdArg !== undefined) {
  link = new SerialLink({ ...linkOptions, lockId: lockIdArg });
} else {
  const found = await SerialLink.identify(linkOptions, identifyTimeoutMs);
  if (!found.ok) fail(`${found.error} (pass --lock-id, or check --serial)`, 1);
  link = found.link;
  log(`device on ${args.serial}: lock ${found.info.lock_id}, firmware "${found.info.firmware_ver}", caps ${found.info.caps.join(',')}`);
}
if (args.wire) link.onFrame((dir, hex, decoded) => log(`${dir} ${hex} ${JSON.stringify(decoded)}`));

const serialLink = link;
try {
  gateway = await VirtualGateway.create({ apId, secret: args.secret, mqttUrl: args.mqtt, links: [serialLink], lockTimeoutMs });
} catch (e) {
  await serialLink.close();
  fail(`could not join the broker at --mqtt ${args.mqtt} as gw:${apId}: ${(e as Error).message}`, 1);
}
process.stdout.write(`${JSON.stringify({ ready: true, ap_id: apId, lock_id: serialLink.lockId, serial: args.serial })}\n`);
log(`gateway ${apId} online, lock ${serialLink.lockId} on ${args.serial}`);

