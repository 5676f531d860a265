/**
 * `npm run fleet`: shard K of N of a fleet's gateways and locks against any broker, on real time,
 * with its own control API (DESIGN §13); or `--generate` a fleet fixture.
 */
import { randomBytes } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { writeSecretFile } from '../sim/io/secret-file.ts';
import { FixtureError, World, parseBrokerUrl, parseFixture } from '../sim/world/index.ts';
import { generateFleet, parseShard, type Shard } from '../sim/world/fleet-shard.ts';
import { loadShardPart, type ShardPart } from './fleet-load.ts';
import { namespaceProblem } from '../sim/protocol/index.ts';
import { cli, type Cli } from './cli.ts';
import { openFileLimit, shardFdProblem } from './fleet-fds.ts';

const HELP = `usage: npm run fleet -- --fixture F --mqtt-url URL [--shard K/N] [--control-port P] [--namespace NS] [--connect-timeout-ms MS]
       npm run fleet -- --generate --locks L --gateways G --out F [--seed S]

Runs the virtual gateways of shard K of N (those with ap_id mod N = K-1) and the locks behind them
against the broker at URL, on real time (world time starts at the wall clock), with a control API
for them (docs/cli.md §8 lock and gateway routes). Prints one JSON line when every gateway is connected:
{"mqtt", "control", "shard", "gateways", "locks"}. A shard whose gateways (one socket each) would pass
the open-file limit (ulimit -n) refuses at start, naming the limit and the shard count that fits. The cloud is elsewhere: \`npm run sim -- --mqtt-url
URL --gateways none\` or the real platform. SIGINT/SIGTERM disconnect cleanly and exit 0.

  --fixture F         fleet fixture (docs/fixture-file.md §7)
  --mqtt-url URL      mqtt://cloud:PASSWORD@HOST:PORT — gateways connect as gw:{ap_id} with their
                      fixture secrets; the cloud part of the URL is not used here
  --shard K/N         this process's shard (default 1/1: the whole fleet)
  --control-port P    control API port (default 0: any free port)
  --namespace NS      topic and client-id prefix on a shared broker (default none: docs/mqtt-gateway.md §4 exactly)
  --connect-timeout-ms MS
                      bound on each gateway's MQTT session set-up (and clean disconnect), ms (default 5000,
                      1…600000); raise it for a shard that starts on a loaded machine or a busy broker
  --generate          write a fleet fixture instead: --locks L (1…1000000) locks round-robin over
                      --gateways G (1…100000) gateways, to --out F (mode 0600: it holds every secret);
                      deterministic per --seed S (default: a random seed, printed, so the secrets
                      cannot be derived from a well-known default)
`;

/**
 * The shard's part of the fixture (DESIGN §13: one file, split by ap_id) is garbage once the world has
 * its lock table: one forced collection, once the shard is up, returns it before anyone measures.
 */
function collectFleetFixture(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

const cmd: Cli = cli('lockbench fleet');
const fail: Cli['fail'] = cmd.fail;
if (process.argv.includes('--help')) {
  process.stdout.write(HELP);
  process.exit(0);
}
const args = cmd.parse({
  fixture: { type: 'string' },
  'mqtt-url': { type: 'string' },
  shard: { type: 'string', default: '1/1' },
  'control-port': { type: 'string' },
  namespace: { type: 'string', default: '' },
  generate: { type: 'boolean', default: false },
  locks: { type: 'string' },
  gateways: { type: 'string' },
  out: { type: 'string' },
  seed: { type: 'string' },
  'connect-timeout-ms': { type: 'string' },
});

if (args.generate) {
  if (args.out === undefined) fail('--generate needs --out F');
  const locks = cmd.uint(args.locks, '--locks', 1, 1_000_000);
  const gateways = cmd.uint(args.gateways, '--gateways', 1, 100_000);
  // A random seed unless told: with a fixed default every secret was sha256 of a public string.
  const seed = args.seed ?? randomBytes(16).toString('hex');
  const raw = generateFleet(locks, gateways, seed);
  // The written file must load like any fixture: check it with the same validator.
  const parsed = parseFixture(raw);
  if (!parsed.ok) fail(`generated fixture is invalid: ${parsed.problems.slice(0, 3).map((p) => `${p.path}: ${p.message}`).join('; ')}`, 1);
  await writeSecretFile(args.out!, `${JSON.stringify(raw)}\n`).catch((e: Error) => fail(e.message));
  cmd.log(`wrote ${args.out} (0600): ${locks} locks behind ${gateways} gateways, seed ${seed} (the same again: --seed ${seed})`);
  process.exit(0);
}

if (args.fixture === undefined) fail('--fixture is required (see --help)');
if (args['mqtt-url'] === undefined) fail('--mqtt-url is required (see --help)');
const broker = parseBrokerUrl(args['mqtt-url']!);
if (!broker.ok) fail(`--mqtt-url ${broker.error}`);
const shardOrError = parseShard(args.shard!);
if (typeof shardOrError === 'string') fail(`--shard ${shardOrError}`);
const shard = shardOrError as Shard;
const nsProblem = namespaceProblem(args.namespace!);
if (nsProblem) fail(`--namespace ${nsProblem}`);
const controlPort = args['control-port'] === undefined ? 0 : cmd.uint(args['control-port'], '--control-port', 0, 65535);
const connectTimeoutMs = args['connect-timeout-ms'] === undefined ? 5000 : cmd.uint(args['connect-timeout-ms'], '--connect-timeout-ms', 1, 600_000);

/** This shard's part of the fixture and its locks as columns (made in a worker, `fleet-load.ts`), with its fd check. */
async function loadShard(): Promise<ShardPart> {
  const loaded = await loadShardPart(args.fixture!, shard);
  const { part, fleetGateways } = loaded;
  if (part.gateways.length === 0) fail(`shard ${args.shard} of ${args.fixture} has no gateway`);
  const fdLimit = openFileLimit();
  const fdProblem = fdLimit === null ? null
    : shardFdProblem({ shardGateways: part.gateways.length, fleetGateways, shardCount: shard.count, fdLimit });
  if (fdProblem) fail(`shard ${args.shard}: ${fdProblem}`);
  return loaded;
}

/** The shard's world: its locks are the loader's columns, its fixture holds none (DESIGN §13). */
async function startShard(): Promise<World> {
  const { part, locks } = await loadShard();
  // Real devices run on real time: a wall-clock start, not the fixture's.
  part.world.start = Math.floor(Date.now() / 1000);
  return World.create(part, {
    externalBroker: broker.ok ? broker.value : undefined,
    namespace: args.namespace,
    controlPort,
    time: 'running',
    cloud: false,
    lockColumns: locks,
    gatewayConnectTimeoutMs: connectTimeoutMs,
  });
}

let world: World;
try {
  world = await startShard();
  collectFleetFixture();
} catch (e) {
  if (e instanceof FixtureError) fail(`invalid fixture ${args.fixture}:\n${e.message}`);
  fail((e as Error).message, 1);
}
process.stdout.on('error', () => undefined);
process.stdout.write(`${JSON.stringify({ mqtt: world.urls.mqtt, control: world.urls.control, shard: args.shard, gateways: world.gateways.size, locks: world.locks.size })}\n`);
cmd.log(`shard ${args.shard}: ${world.gateways.size} gateways, ${world.locks.size} locks online`);
cmd.onStop(() => world.close());
