/**
 * `npm run bridge -- --serial PATH --ap-id N --mqtt URL --secret S [--lock-id N]`: the lab bridge
 * (DESIGN §6) — a virtual gateway joining the broker as `gw:{ap_id}` whose radio is a lockwire
 * link on a serial port. Without --lock-id the device is asked with `info`. Prints one JSON line
 * `{"ready": true, "ap_id", "lock_id", "serial"}` when connected; logs go to stderr.
 */
import { VirtualGateway } from '../sim/gateway/index.ts';
import { SerialLink } from '../harness/serial/serial-link.ts';
import { cli, type Cli } from './cli.ts';
import { readSecret } from '../sim/io/secret-file.ts';

const cmd: Cli = cli('lockbench bridge', {
  synopsis: 'lockbench bridge --serial PATH --ap-id N --mqtt URL --secret S [--lock-id N] [--lock-timeout-ms N] [--identify-timeout-ms N] [--wire]',
  about: 'The lab bridge (docs/lockwire.md §6): a gateway joining the broker as gw:{ap_id} whose radio is a lockwire link on a serial port.\nPrints {"ready": true, "ap_id", "lock_id", "serial"} on stdout when connected; logs go to stderr.',
  options: [
    ['--serial PATH', 'serial port of the lock; required'],
    ['--ap-id N', 'gateway id, 1…4294967295; required'],
    ['--mqtt URL', 'broker URL, e.g. mqtt://127.0.0.1:1883; required'],
    ['--secret S', 'the gateway\'s broker secret; never logged, but visible in ps: prefer the next two'],
    ['--secret-file F', 'read the secret from file F; or set LOCKBENCH_GATEWAY_SECRET (one of the three is required)'],
    ['--lock-id N', 'the lock\'s id; default: asked from the device with info'],
    ['--lock-timeout-ms N', 'real-time ms to wait for the lock\'s answer; default 2000'],
    ['--identify-timeout-ms N', 'real-time ms to wait for info when --lock-id is absent; default 10000'],
    ['--wire', 'log every serial frame (hex and decoded) to stderr; default off'],
  ],
})
// Annotated so TypeScript narrows after a call that never returns.
const fail: Cli['fail'] = cmd.fail;
const { log, uint, parse, onStop } = cmd;

const args = parse({
  serial: { type: 'string' },
  'ap-id': { type: 'string' },
  mqtt: { type: 'string' },
  secret: { type: 'string' },
  'secret-file': { type: 'string' },
  'lock-id': { type: 'string' },
  'lock-timeout-ms': { type: 'string', default: '2000' },
  'identify-timeout-ms': { type: 'string', default: '10000' },
  wire: { type: 'boolean', default: false },
});
if (!args.serial) fail('--serial PATH is required');
const apId = uint(args['ap-id'], '--ap-id', 1, 0xffffffff);
if (!args.mqtt || !/^(mqtts?|tcp|ssl|wss?):\/\/./.test(args.mqtt)) fail(`--mqtt must be a broker URL like mqtt://127.0.0.1:1883, got "${args.mqtt ?? ''}"`);
// Never echo the secret itself (house rule: no secrets in logs).
// Out of argv (ps, npm's banner): --secret-file or LOCKBENCH_GATEWAY_SECRET (sim/io/secret-file.ts).
const secret = await readSecret({ file: args['secret-file'], flag: args.secret, env: 'LOCKBENCH_GATEWAY_SECRET' }).catch((e: Error) => fail(`--secret-file: ${e.message}`));
if (!secret) fail('the gateway\'s broker secret is required: LOCKBENCH_GATEWAY_SECRET, --secret-file F or --secret S');
const lockTimeoutMs = uint(args['lock-timeout-ms'], '--lock-timeout-ms', 1, 600_000);
const identifyTimeoutMs = uint(args['identify-timeout-ms'], '--identify-timeout-ms', 1, 3_600_000);
const lockIdArg = args['lock-id'] === undefined ? undefined : uint(args['lock-id'], '--lock-id', 1, 0xffffffff);

const linkOptions = { path: args.serial, log };

let link: SerialLink | undefined;
let gateway: VirtualGateway | undefined;
// The gateway publishes {"online": false}, disconnects and closes its links (the serial port).
onStop(async () => {
  if (gateway) await gateway.close();
  else await link?.close();
});

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
  gateway = await VirtualGateway.create({ apId, secret, mqttUrl: args.mqtt, links: [serialLink], lockTimeoutMs, log });
} catch (e) {
  await serialLink.close();
  fail(`could not join the broker at --mqtt ${args.mqtt} as gw:${apId}: ${(e as Error).message}`, 1);
}
process.stdout.write(`${JSON.stringify({ ready: true, ap_id: apId, lock_id: serialLink.lockId, serial: args.serial })}\n`);
log(`gateway ${apId} online, lock ${serialLink.lockId} on ${args.serial}`);

