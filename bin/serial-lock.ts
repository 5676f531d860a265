/**
 * `npm run serial-lock -- --port PATH --lock-id N --secret HEX [options]`: a virtual lock speaking
 * lockwire on a serial port (DESIGN §6), for lab runs without hardware. Its switches are the firmware
 * choices DESIGN §5.4 and §6 leave open, so the lab target can be proven against more than one
 * firmware. Prints one JSON line `{"ready": true, "port": PATH}` when the port is open; logs go to stderr.
 */
import { WorldClock, type Clock } from '../sim/clock/index.ts';
import { defectsOfRoom, type DefectRoom } from '../sim/defects.ts';
import { defectsFlag } from './defect-flag.ts';
import { VirtualLock, defaultLockSpec } from '../sim/lock/lock.ts';
import { SerialLock } from '../sim/serial-lock/serial-lock.ts';
import { StateFile } from '../sim/serial-lock/state-file.ts';
import { cli, type Cli } from './cli.ts';
import { seededRng } from '../sim/random.ts';
import { freedomLines } from '../sim/variants/freedom.ts';
import { pointersInto } from './doc-sections.ts';
import { DEFAULT_LOCK_VARIANT, fitLockVariant, latencyOf, LOCK_FREEDOMS, type LockVariant } from '../sim/variants/lock.ts';
import { variantFlags } from './variant-flag.ts';
import { readSecret } from '../sim/io/secret-file.ts';

const cmd: Cli = cli('lockbench serial-lock', {
  synopsis: 'lockbench serial-lock --port PATH --lock-id N --secret HEX [options]',
  about: 'A virtual lock speaking lockwire (docs/lockwire.md §6) on a serial port, for lab runs without hardware; its switches are\nthe firmware choices docs/algorithms.md §5.4 and docs/lockwire.md §6 leave open. Prints {"ready": true, "port": PATH} on stdout when the port\nis open; logs go to stderr.',
  options: [
    ['--port PATH', 'serial port to open (e.g. one end of a socat pty pair); required'],
    ['--lock-id N', 'lock id, 1…4294967295; required'],
    ['--secret HEX', 'the lock\'s secret, an even number of hex digits (16 bytes = 32 digits); never logged, but visible in ps'],
    ['--secret-file F', 'read the secret from file F; or set LOCKBENCH_LOCK_SECRET (one of the three is required)'],
    ['--mac MAC', 'xx:xx:xx:xx:xx:xx reported by info; default 72:00:03:16:7d:f0'],
    ['--firmware-ver S', 'firmware version reported by info; default serial-lock'],
    ['--time MODE', 'running (the clock follows real time from --start, as a real device) or frozen (moves only by time sync); default running'],
    ['--start now|UNIX', 'world time at start, unix seconds; default now (the host\'s time)'],
    ['--lockout-clock lock|real', 'keypad lockout counted in lock time (docs/algorithms.md §5.4) or in the device\'s own real time, which no sync moves; default lock'],
    ['--lockout-attempts N', 'wrong codes in a row that lock the keypad, 1…100; default 5 (docs/algorithms.md §5.4)'],
    ['--lockout-s N', 'how long a keypad lockout lasts, seconds (of lock time, or real time with --lockout-clock real), 1…3600; default 60 (docs/algorithms.md §5.4)'],
    ['--lockout-survives-set-back', 'a clock set back keeps a lockout running; default off (it ends it)'],
    ['--cache-ms N', 'how long a response answers a repeated seq, real-time ms; default 5000'],
    ['--event-resend-ms N', 'an unacked event is sent again after N real-time ms; default 500 (docs/lockwire.md §6)'],
    ['--state FILE', 'keep last time-sync seq, user passwords, lockout and clock anchor in FILE across restarts; default: nothing kept'],
    ['--no-sim', 'no sim_* ops and no "sim" capability, as real firmware; default: offered'],
    ['--variant SEED', 'become the correct device drawn from SEED out of the freedoms below (the switches above are then ignored); default: the switches'],
    ['--variant-set k=v,…', 'override single freedoms of the variant (or of the switches), e.g. cache=seq+payload/forever,latency=150'],
    ['--defects a,b', `seeded defects: ${[...defectsOfRoom('lock'), ...defectsOfRoom('serial-lock')].join(', ')}; default none`],
    ['--open-timeout-ms N', 'real-time ms to wait for the port to open; default 10000'],
  ],
  more: ['freedoms (docs/algorithms.md §5, docs/lockwire.md §6, docs/lab.md §11; sim/variants/lock.ts):', ...freedomLines(LOCK_FREEDOMS).map((l) => `  ${pointersInto(l)}`)],
});
// Annotated so TypeScript narrows after a call that never returns.
const fail: Cli['fail'] = cmd.fail;
const { log, uint, parse, onStop } = cmd;

const args = parse({
  port: { type: 'string' },
  'lock-id': { type: 'string' },
  secret: { type: 'string' },
  'secret-file': { type: 'string' },
  start: { type: 'string', default: 'now' },
  mac: { type: 'string' },
  'firmware-ver': { type: 'string', default: 'serial-lock' },
  'open-timeout-ms': { type: 'string', default: '10000' },
  time: { type: 'string', default: 'running' },
  'lockout-clock': { type: 'string', default: 'lock' },
  'lockout-attempts': { type: 'string', default: '5' },
  'lockout-s': { type: 'string', default: '60' },
  'lockout-survives-set-back': { type: 'boolean', default: false },
  'cache-ms': { type: 'string', default: '5000' },
  'event-resend-ms': { type: 'string', default: '500' },
  state: { type: 'string' },
  defects: { type: 'string', default: '' },
  'no-sim': { type: 'boolean', default: false },
  variant: { type: 'string' },
  'variant-set': { type: 'string' },
});
if (!args.port) fail('--port PATH is required (see --help)');
const lockId = uint(args['lock-id'], '--lock-id', 1, 0xffffffff);
// Never echo the secret itself (house rule: no secrets in logs).
// Out of argv (ps, npm's banner): --secret-file or LOCKBENCH_LOCK_SECRET (sim/io/secret-file.ts).
const secretHex = await readSecret({ file: args['secret-file'], flag: args.secret, env: 'LOCKBENCH_LOCK_SECRET' }).catch((e: Error) => fail(`--secret-file: ${e.message}`));
if (!secretHex || !/^(?:[0-9a-fA-F]{2})+$/.test(secretHex)) fail('the lock\'s secret (LOCKBENCH_LOCK_SECRET, --secret-file F or --secret HEX) must be an even number of hex digits');
// The host's unix time: the device's real-time clock (bin is where time sources are injected).
const hostUnixS = (): number => (performance.timeOrigin + performance.now()) / 1000;
const start = args.start === 'now' ? hostUnixS() : uint(args.start, '--start', 0, 0xffffffff);
const openTimeoutMs = uint(args['open-timeout-ms'], '--open-timeout-ms', 1, 3_600_000);
const cacheMs = uint(args['cache-ms'], '--cache-ms', 0, 3_600_000);
const eventResendMs = uint(args['event-resend-ms'], '--event-resend-ms', 10, 60_000);
if (args.mac !== undefined && !/^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$/i.test(args.mac)) fail(`--mac must be xx:xx:xx:xx:xx:xx, got "${args.mac}"`);
if (args.time !== 'running' && args.time !== 'frozen') fail(`--time must be running or frozen, got "${args.time}"`);
const lockoutClock = args['lockout-clock'];
if (lockoutClock !== 'lock' && lockoutClock !== 'real') fail(`--lockout-clock must be lock or real, got "${lockoutClock}"`);
const lockout = { attempts: uint(args['lockout-attempts'], '--lockout-attempts', 1, 100), seconds: uint(args['lockout-s'], '--lockout-s', 1, 3600) };
/** The named switches as a variant: the device a person configured by hand. */
const switches: LockVariant = {
  ...DEFAULT_LOCK_VARIANT,
  cache: { kind: 'seq+payload', ms: cacheMs },
  eventResendMs,
  lockout: lockoutClock === 'real' ? 'real' : args['lockout-survives-set-back'] ? 'lock-keeps-remaining' : 'lock-ends',
  lockoutAttempts: lockout.attempts,
  lockoutS: lockout.seconds,
  caps: { ...DEFAULT_LOCK_VARIANT.caps, sim: !args['no-sim'] },
};
const { variant, line: variantLine } = variantFlags(LOCK_FREEDOMS, switches, fitLockVariant, args.variant, args['variant-set'], fail);
/** The rooms a serial lock is: the lock firmware and its serial end (DESIGN §6). */
const SERIAL_LOCK_ROOMS: readonly DefectRoom[] = ['lock', 'serial-lock'];
const defects = defectsFlag(args.defects!, SERIAL_LOCK_ROOMS, fail);

// DESIGN §2: a standalone lock lives in a world clock starting at --start; running at rate 1 it is
// a real device on real time. Frozen, its clock moves only by time sync.
const world = new WorldClock(start);
if (args.time === 'running') world.run(1);
// Lockout in "real" time counts in the device's own clock that no sync moves: the host's time.
const realClock: Clock = { now: hostUnixS };
const SET_BACK = { 'lock-ends': 'ends', 'lock-keeps-remaining': 'keeps-remaining', 'lock-keeps-end': 'keeps-end', real: 'ends' } as const;
const spec = defaultLockSpec({
  lockId, secretHex, firmwareVer: args['firmware-ver']!, defects,
  lockout: { attempts: variant.lockoutAttempts, seconds: variant.lockoutS },
  lockoutClock: variant.lockout === 'real' ? 'real' : 'lock',
  lockoutSetBack: SET_BACK[variant.lockout],
  driftPpm: variant.driftPpm,
  syncPhase: variant.syncPhase,
  ...(args.mac ? { mac: args.mac.toLowerCase() } : {}),
});
const lock = new VirtualLock(spec, world, realClock);
const state = args.state ? new StateFile(args.state) : undefined;
try {
  const saved = state?.load();
  if (saved) lock.restore(saved);
} catch (e) {
  fail((e as Error).message, 1);
}
const save = (): void => {
  try {
    state?.save(lock.persisted());
  } catch (e) {
    log(`could not save the lock state: ${(e as Error).message}`);
  }
};
// Latency jitter is transport behaviour, drawn from its own seed fork so a variant replays alike.
const jitter = seededRng(Math.max(0, (Number(args.variant) || 0) >>> 0)).fork('latency');
const eventSeqStart = variant.eventSeq === 'from-random' ? jitter.int(1, 256) : 1;
const serial = new SerialLock({
  path: args.port, lock, ...(variant.caps.sim ? { knobs: lock } : {}), mac: spec.mac, firmwareVer: spec.firmwareVer, log,
  cache: variant.cache, eventResendMs: variant.eventResendMs, eventTries: variant.eventTries,
  eventSeqStart, eventSeqStep: variant.eventSeq === 'stride-7' ? 7 : 1,
  caps: { ble: variant.caps.ble, clock: variant.caps.clock }, extraFields: variant.extraFields,
  latencyMs: (op) => latencyOf(variant.latency, op, jitter),
  defects, ...(state ? { afterRequest: save } : {}),
});

onStop(async () => {
  save();
  await serial.close();
});

if (!(await serial.whenOpen(openTimeoutMs))) {
  await serial.close();
  fail(`could not open --port ${args.port} within ${openTimeoutMs} ms`, 1);
}
save();
process.stdout.write(`${JSON.stringify({ ready: true, port: args.port })}\n`);
log(`lock ${lockId} on ${args.port}: time ${args.time} from ${Math.floor(start)}${state ? `, state in ${state.path}` : ''}${defects.length ? `, defects ${defects.join(',')}` : ''}`);
log(variantLine);
