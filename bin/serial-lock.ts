/**
 * `npm run serial-lock -- --port PATH --lock-id N --secret HEX [--start UNIX]`: a virtual lock
 * speaking lockwire on a serial port (DESIGN §6), for lab runs without hardware. Prints one JSON
 * line `{"ready": true, "port": PATH}` when the port is open; logs go to stderr.
 */
import { parseArgs } from 'node:util';
import { WorldClock } from '../sim/clock/index.ts';
import { VirtualLock, defaultLockSpec } from '../sim/lock/lock.ts';
import { SerialLock } from '../sim/serial-lock/serial-lock.ts';

const NAME = 'lockbench serial-lock';

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
      port: { type: 'string' },
      'lock-id': { type: 'string' },
      secret: { type: 'string' },
      start: { type: 'string', default: '1700000000' },
      mac: { type: 'string' },
      'firmware-ver': { type: 'string', default: 'serial-lock' },
      'open-timeout-ms': { type: 'string', default: '10000' },
      time: { type: 'string', default: 'running' },
    },
    strict: true,
  }).values;
} catch (e) {
  fail((e as Error).message);
}
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
const log = (line: string): void => void process.stderr.write(`${NAME}: ${line}\n`);
const serial = new SerialLock({ path: args.port, lock, knobs: lock, mac: spec.mac, firmwareVer: spec.firmwareVer, log });

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log(`${signal}, stopping`);
  const timer = setTimeout(() => fail('close took over 5 s, exiting anyway', 1), 5000);
  timer.unref();
  await serial.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));

if (!(await serial.whenOpen(openTimeoutMs))) {
  await serial.close();
  fail(`could not open --port ${args.port} within ${openTimeoutMs} ms`, 1);
}
process.stdout.write(`${JSON.stringify({ ready: true, port: args.port })}\n`);
log(`lock ${lockId} on ${args.port}, world time starts at ${start}`);
