/**
 * `npm run serial-lock -- --port PATH --lock-id N --secret HEX [--start UNIX]`: a virtual lock
 * speaking lockwire on a serial port (DESIGN §6), for lab runs without hardware. Prints one JSON
 * line `{"ready": true, "port": PATH}` when the port is open; logs go to stderr.
 */
import { WorldClock } from '../sim/clock/index.ts';
import { VirtualLock, defaultLockSpec } from '../sim/lock/lock.ts';
import { SerialLock } from '../sim/serial-lock/serial-lock.ts';
import { cli, type Cli } from './cli.ts';

const cmd: Cli = cli('lockbench serial-lock', {
  synopsis: 'lockbench serial-lock --port PATH --lock-id N --secret HEX [--start UNIX] [--mac MAC] [--firmware-ver S] [--open-timeout-ms N] [--time running|frozen]',
  about: 'A virtual lock speaking lockwire (DESIGN §6) on a serial port, for lab runs without hardware.\nPrints {"ready": true, "port": PATH} on stdout when the port is open; logs go to stderr.',
  options: [
    ['--port PATH', 'serial port to open (e.g. one end of a socat pty pair); required'],
    ['--lock-id N', 'lock id, 1…4294967295; required'],
    ['--secret HEX', 'the lock\'s secret, an even number of hex digits (16 bytes = 32 digits); required, never logged'],
    ['--start UNIX', 'world time the lock\'s clock starts at, unix seconds; default 1700000000'],
    ['--mac MAC', 'xx:xx:xx:xx:xx:xx reported by info; default 72:00:03:16:7d:f0'],
    ['--firmware-ver S', 'firmware version reported by info; default serial-lock'],
    ['--open-timeout-ms N', 'real-time ms to wait for the port to open; default 10000'],
    ['--time MODE', 'running (the clock follows real time) or frozen (moves only by time sync); default running'],
  ],
})
// Annotated so TypeScript narrows after a call that never returns.
const fail: Cli['fail'] = cmd.fail;
const { log, uint, parse, onStop } = cmd;

const args = parse({
  port: { type: 'string' },
  'lock-id': { type: 'string' },
  secret: { type: 'string' },
  start: { type: 'string', default: '1700000000' },
  mac: { type: 'string' },
  'firmware-ver': { type: 'string', default: 'serial-lock' },
  'open-timeout-ms': { type: 'string', default: '10000' },
  time: { type: 'string', default: 'running' },
});
if (!args.port) fail('--port PATH is required');
const lockId = uint(args['lock-id'], '--lock-id', 1, 0xffffffff);
// Never echo the secret itself (house rule: no secrets in logs).
if (!args.secret || !/^(?:[0-9a-fA-F]{2})+$/.test(args.secret)) fail('--secret must be an even number of hex digits');
const start = uint(args.start, '--start', 0, 0xffffffff);
const openTimeoutMs = uint(args['open-timeout-ms'], '--open-timeout-ms', 1, 3_600_000);
if (args.mac !== undefined && !/^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$/i.test(args.mac)) fail(`--mac must be xx:xx:xx:xx:xx:xx, got "${args.mac}"`);

if (args.time !== 'running' && args.time !== 'frozen') fail(`--time must be running or frozen, got "${args.time}"`);

// DESIGN §2: a standalone lock lives in a running world clock (rate 1) starting at --start. With
// --time frozen its clock moves only by time sync, so a lab run on a frozen world sees no real-time creep.
const world = new WorldClock(start);
if (args.time === 'running') world.run(1);
const spec = defaultLockSpec({ lockId, secretHex: args.secret, firmwareVer: args['firmware-ver']!, ...(args.mac ? { mac: args.mac.toLowerCase() } : {}) });
const lock = new VirtualLock(spec, world);
const serial = new SerialLock({ path: args.port, lock, knobs: lock, mac: spec.mac, firmwareVer: spec.firmwareVer, log });

onStop(() => serial.close());

if (!(await serial.whenOpen(openTimeoutMs))) {
  await serial.close();
  fail(`could not open --port ${args.port} within ${openTimeoutMs} ms`, 1);
}
process.stdout.write(`${JSON.stringify({ ready: true, port: args.port })}\n`);
log(`lock ${lockId} on ${args.port}, world time starts at ${start}`);
