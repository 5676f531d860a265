/** `npm run sim`: start a whole simulated world and print one ready line (DESIGN §8). */
import { DEFAULT_FIXTURE_PATH, FixtureError, type World, parseBrokerUrl } from '../sim/world/index.ts';
import { startWorldFromFile } from './world-load.ts';
import { isProfileName, namespaceProblem } from '../sim/protocol/index.ts';
import { parseSeed, SEED_MAX } from '../sim/random.ts';
import { cli, type Cli } from './cli.ts';
import { randomInt } from 'node:crypto';
import { streamJournal } from './journal-stream.ts';

const cmd: Cli = cli('lockbench sim', {
  synopsis: 'lockbench sim [--fixture F] [--api-port N] [--mqtt-port N] [--control-port N] [--profile P] [--time frozen|running] [--start now|UNIX] [--ack-timeout-ms N] [--mqtt-url URL] [--namespace NS] [--gateways all|none] [--seed N]',
  about: 'Start a whole simulated world (docs/cli.md §8): broker, gateways, locks, cloud, push sink, control API.\nPrints one JSON line {"api", "mqtt", "control"} on stdout when ready; logs go to stderr; SIGINT/SIGTERM stop it with exit 0.',
  options: [
    ['--fixture F', 'fixture file (docs/fixture-file.md §7); default the package\'s fixtures/fleet.json'],
    ['--api-port N', 'HTTP port of the cloud API; default 0 (any free port)'],
    ['--mqtt-port N', 'MQTT port of the broker; default 0 (any free port)'],
    ['--control-port N', 'HTTP port of the control API; default 0 (any free port)'],
    ['--profile P', 'API profile kexin-2017-03 or kexin-2017-10; default: the fixture\'s cloud.profile'],
    ['--time MODE', 'world clock: running (real time x 1) or frozen (moves only by POST /clock); default running'],
    ['--start T', 'world time at start: "now" (the host clock) or unix seconds; default: the fixture\'s world.start'],
    ['--ack-timeout-ms N', 'real-time ms the cloud waits for a gateway ack; default: the fixture\'s cloud.ack_timeout_ms'],
    ['--mqtt-url URL', 'an external MQTT 3.1.1 broker (mqtt://cloud:PASSWORD@HOST:PORT) instead of the embedded one (docs/past-one-machine.md §13); default: embedded'],
    ['--namespace NS', 'prefix of this world\'s client ids and topics on a shared broker (docs/past-one-machine.md §13); default "" (docs/mqtt-gateway.md §4 exactly)'],
    ['--gateways G', 'all (start the fixture\'s virtual gateways) or none (the cloud alone, for npm run fleet); default all'],
    ['--seed N', 'seed of all domain randomness (v2 passwords), 0…4294967295; default $LOCKBENCH_SEED, else picked and logged'],
    ['--journal', 'stream the journal to stderr, one JSON line per API exchange, control call, MQTT message and push (GET /journal on the control API keeps the last 2000; docs/cli.md §8)'],
  ],
})
// Annotated so TypeScript narrows after a call that never returns.
const fail: Cli['fail'] = cmd.fail;
const port = (v: string | undefined, flag: string): number => (v === undefined ? 0 : cmd.uint(v, flag, 0, 65535));

const args = cmd.parse({
  fixture: { type: 'string', default: DEFAULT_FIXTURE_PATH },
  'api-port': { type: 'string' },
  'mqtt-port': { type: 'string' },
  'control-port': { type: 'string' },
  profile: { type: 'string' },
  time: { type: 'string', default: 'running' },
  'ack-timeout-ms': { type: 'string' },
  start: { type: 'string' },
  seed: { type: 'string' },
  // DESIGN §13: an external broker (no embedded one), the world's namespace on it, the cloud alone.
  'mqtt-url': { type: 'string' },
  namespace: { type: 'string', default: '' },
  gateways: { type: 'string', default: 'all' },
  journal: { type: 'boolean', default: false },
});
if (args.profile !== undefined && !isProfileName(args.profile)) fail(`--profile must be kexin-2017-03 or kexin-2017-10, got "${args.profile}"`);
if (args.time !== 'frozen' && args.time !== 'running') fail(`--time must be frozen or running, got "${args.time}"`);
const ackTimeoutMs = args['ack-timeout-ms'] === undefined ? undefined : Number(args['ack-timeout-ms']);
if (ackTimeoutMs !== undefined && !(Number.isInteger(ackTimeoutMs) && ackTimeoutMs > 0)) fail('--ack-timeout-ms must be a positive integer');

const external = args['mqtt-url'] === undefined ? undefined : parseBrokerUrl(args['mqtt-url']);
if (external && !external.ok) fail(`--mqtt-url ${external.error}`);
if (args['mqtt-url'] !== undefined && args['mqtt-port'] !== undefined) fail('--mqtt-port and --mqtt-url exclude each other (--mqtt-url starts no broker)');
const nsProblem = namespaceProblem(args.namespace!);
if (nsProblem) fail(`--namespace ${nsProblem}`);
if (args.gateways !== 'all' && args.gateways !== 'none') fail(`--gateways must be all or none, got "${args.gateways}"`);

// `--start now` puts world time at real time, so a client signing with its own clock (a remote-target run) agrees.
let start: number | undefined;
if (args.start !== undefined) {
  start = args.start === 'now' ? Math.floor(Date.now() / 1000) : Number(args.start);
  if (!Number.isInteger(start) || start < 0 || start > 0xffffffff) fail(`--start must be "now" or a unix time, got "${args.start}"`);
}

// STYLE §2: one seed per run, logged so the run can be replayed.
const seedText = args.seed ?? process.env.LOCKBENCH_SEED;
const parsedSeed = parseSeed(seedText);
if (!parsedSeed.ok) fail(args.seed !== undefined ? `--seed must be an integer 0…4294967295, got "${args.seed}"` : parsedSeed.error);
const seed = parsedSeed.seed ?? randomInt(0, SEED_MAX);

let world: World;
try {
  world = await startWorldFromFile(args.fixture!, {
    start,
    apiPort: port(args['api-port'], '--api-port'),
    mqttPort: port(args['mqtt-port'], '--mqtt-port'),
    controlPort: port(args['control-port'], '--control-port'),
    profile: isProfileName(args.profile) ? args.profile : undefined,
    time: args.time,
    ackTimeoutMs,
    seed,
    externalBroker: external?.value,
    namespace: args.namespace,
    gateways: args.gateways === 'all',
  });
} catch (e) {
  if (e instanceof FixtureError) fail(`invalid fixture ${args.fixture}:\n${e.message}`);
  fail((e as Error).message);
}
// A reader that stops reading (e.g. `| head -1`) must not crash the world.
process.stdout.on('error', () => undefined);
process.stdout.write(`${JSON.stringify(world.urls)}\n`);
cmd.log(`${world.locks.size} locks, ${world.gateways.size} gateways, time ${world.clock.mode}, seed ${seed} (replay: --seed ${seed})`);
if (args.journal) streamJournal(world);
cmd.onStop(() => world.close());
