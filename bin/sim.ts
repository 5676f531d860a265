/** `npm run sim`: start a whole simulated world and print one ready line (DESIGN §8). */
import { FixtureError, World, loadFixture, parseBrokerUrl } from '../sim/world/index.ts';
import { isProfileName, namespaceProblem } from '../sim/protocol/index.ts';
import { cli, type Cli } from './cli.ts';

const cmd: Cli = cli('lockbench sim');
// Annotated so TypeScript narrows after a call that never returns.
const fail: Cli['fail'] = cmd.fail;
const port = (v: string | undefined, flag: string): number => (v === undefined ? 0 : cmd.uint(v, flag, 0, 65535));

const args = cmd.parse({
  fixture: { type: 'string', default: 'fixtures/fleet.json' },
  'api-port': { type: 'string' },
  'mqtt-port': { type: 'string' },
  'control-port': { type: 'string' },
  profile: { type: 'string' },
  time: { type: 'string', default: 'running' },
  'ack-timeout-ms': { type: 'string' },
  start: { type: 'string' },
  // DESIGN §13: an external broker (no embedded one), the world's namespace on it, the cloud alone.
  'mqtt-url': { type: 'string' },
  namespace: { type: 'string', default: '' },
  gateways: { type: 'string', default: 'all' },
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

let world: World;
try {
  const fixture = await loadFixture(args.fixture!);
  if (start !== undefined) fixture.world.start = start;
  world = await World.create(fixture, {
    apiPort: port(args['api-port'], '--api-port'),
    mqttPort: port(args['mqtt-port'], '--mqtt-port'),
    controlPort: port(args['control-port'], '--control-port'),
    profile: isProfileName(args.profile) ? args.profile : undefined,
    time: args.time,
    ackTimeoutMs,
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
cmd.log(`${world.locks.size} locks, ${world.gateways.size} gateways, time ${world.clock.mode}`);
cmd.onStop(() => world.close());
