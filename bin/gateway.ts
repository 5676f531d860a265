/**
 * `npm run gateway -- --mqtt URL --ap-id N --secret S [--fixture F | --serial PATH --lock-id N]`: a
 * virtual gateway as its own process (DESIGN §12), so the `gateway` target is proven against a real
 * separate process on a real TCP port. Its locks are the fixture's locks behind `--ap-id`, on real
 * time from the host's now, or the lab bridge to a lock on a serial port. It keeps trying to reach
 * the broker until it gets in, reconnects by itself after a loss, prints one JSON ready line
 * `{"ready": true, "ap_id", "client_id", "locks", "mqtt"}` once online; logs go to stderr;
 * SIGINT/SIGTERM publish `{"online": false}`, disconnect and exit 0.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { WorldClock } from '../sim/clock/index.ts';
import { VirtualGateway, RadioLink, type LockLink } from '../sim/gateway/index.ts';
import type { DefectRoom } from '../sim/defects.ts';
import { defectsFlag } from './defect-flag.ts';
import { VirtualLock } from '../sim/lock/lock.ts';
import { DEFAULT_FIXTURE_PATH, FixtureError, loadFixture, lockSpecOf } from '../sim/world/index.ts';
import { SerialLink } from '../harness/serial/serial-link.ts';
import { cli, type Cli } from './cli.ts';
import { readSecret } from '../sim/io/secret-file.ts';
import { freedomLines } from '../sim/variants/freedom.ts';
import { pointersInto } from './doc-sections.ts';
import { GATEWAY_FREEDOMS } from '../sim/variants/gateway.ts';
import { chooseVariant, gatewayOptionsOf } from './gateway-variant.ts';

const HELP = `Usage: npm run gateway -- --mqtt URL --ap-id N --secret S [--fixture F | --serial PATH --lock-id N] [options]

A virtual gateway in its own process, for the gateway target (docs/gateway-target.md §12).

  --mqtt URL              broker to join, e.g. mqtt://127.0.0.1:1883 (required)
  --ap-id N               the gateway's ap_id; it connects as user gw:N (required)
  --secret S              the gateway's broker secret (never logged; visible in ps: prefer the next two)
  --secret-file F         read the secret from file F; or set LOCKBENCH_GATEWAY_SECRET (one of the three is required)
  --fixture F             virtual locks: the fixture's locks behind --ap-id, on real time (default the package's fixtures/fleet.json)
  --serial PATH           instead: the lab bridge to a lockwire lock on this serial port (needs --lock-id)
  --lock-id N             the lock on --serial
  --client-id ID          MQTT client id (default gw-N)
  --variant SEED          become the gateway variant drawn from SEED: one value per freedom of docs/mqtt-gateway.md §4, docs/gateway-target.md §12
                          leaves open (printed to stderr as "variant SEED: key=value …"); default: our own choices
  --variant-set K=V,…     override single freedoms of the variant (see the table below)
  --event-ids SCHEME      per-gateway (count on across reconnects; default) or per-connection (from 1 on each)
  --event-order ORDER     ack-first (a command's events after its ack; default) or events-first (as they happen)
  --defects LIST          comma-separated seeded gateway/lock defects (default none)
  --lock-timeout-ms N     bound on each lock request, ms (default 2000)
  --reconnect-ms N        delay between attempts to join at start, ms (default 500); without --variant also
                          the back-off after a lost connection
  --connect-wait-s N      give up when the broker cannot be joined for this long, s (default 600)
  --help                  this text

A seeded defect (--defects) acts on top of any variant. The freedoms (--variant-set keys):
${freedomLines(GATEWAY_FREEDOMS).map((l) => `  ${pointersInto(l)}`).join('\n')}
`;

if (process.argv.includes('--help')) {
  process.stdout.write(HELP);
  process.exit(0);
}

const cmd: Cli = cli('lockbench gateway');
// Annotated so TypeScript narrows after a call that never returns.
const fail: Cli['fail'] = cmd.fail;
const { log, uint, parse, onStop } = cmd;

const args = parse({
  mqtt: { type: 'string' },
  'ap-id': { type: 'string' },
  secret: { type: 'string' },
  'secret-file': { type: 'string' },
  fixture: { type: 'string' },
  serial: { type: 'string' },
  'lock-id': { type: 'string' },
  'client-id': { type: 'string' },
  variant: { type: 'string' },
  'variant-set': { type: 'string' },
  'event-ids': { type: 'string' },
  'event-order': { type: 'string' },
  defects: { type: 'string', default: '' },
  'lock-timeout-ms': { type: 'string', default: '2000' },
  'reconnect-ms': { type: 'string', default: '500' },
  'connect-wait-s': { type: 'string', default: '600' },
});
if (!args.mqtt || !/^(mqtts?|tcp|ssl|wss?):\/\/./.test(args.mqtt)) fail(`--mqtt must be a broker URL like mqtt://127.0.0.1:1883, got "${args.mqtt ?? ''}"`);
const mqttUrl = args.mqtt;
const apId = uint(args['ap-id'], '--ap-id', 1, 0xffffffff);
// Out of argv (ps, npm's banner): --secret-file or LOCKBENCH_GATEWAY_SECRET (sim/io/secret-file.ts).
const secret = await readSecret({ file: args['secret-file'], flag: args.secret, env: 'LOCKBENCH_GATEWAY_SECRET' }).catch((e: Error) => fail(`--secret-file: ${e.message}`));
if (!secret) fail("the gateway's broker secret is required: LOCKBENCH_GATEWAY_SECRET, --secret-file F or --secret S");
if (args.serial !== undefined && args.fixture !== undefined) fail('--fixture and --serial exclude each other');
/** This process is a gateway and the virtual locks behind it. */
const GATEWAY_ROOMS: readonly DefectRoom[] = ['gateway', 'lock'];
const defects = defectsFlag(args.defects, GATEWAY_ROOMS, fail);
const lockTimeoutMs = uint(args['lock-timeout-ms'], '--lock-timeout-ms', 1, 600_000);
const reconnectMs = uint(args['reconnect-ms'], '--reconnect-ms', 10, 600_000);
const connectWaitS = uint(args['connect-wait-s'], '--connect-wait-s', 1, 86_400);
const chosen = chooseVariant({ variant: args.variant, set: args['variant-set'], eventIds: args['event-ids'], eventOrder: args['event-order'], reconnectMs });
if ('error' in chosen) fail(chosen.error);
log(chosen.line);
const clientId = args['client-id'] ?? `gw-${apId}`;
if (clientId.length > 128) fail('--client-id must be at most 128 characters');

/** The locks this gateway fronts: virtual locks of the fixture on real time, or one serial lock. */
async function links(): Promise<LockLink[]> {
  if (args.serial !== undefined) {
    const lockId = uint(args['lock-id'], '--lock-id', 1, 0xffffffff);
    return [new SerialLink({ path: args.serial, lockId, log })];
  }
  const path = args.fixture ?? DEFAULT_FIXTURE_PATH;
  const fixture = await loadFixture(path).catch((e: unknown) => {
    if (e instanceof FixtureError) return fail(`--fixture ${path}:\n${e.message}`);
    throw e;
  });
  const gw = fixture.gateways.find((g) => g.ap_id === apId);
  if (!gw) return fail(`--fixture ${path} has no gateway with ap_id ${apId} ($.gateways[*].ap_id)`);
  // Real devices run on real time: the locks' world starts at the host's now and follows it (DESIGN §12).
  const clock = new WorldClock(Date.now() / 1000);
  clock.run(1);
  return fixture.locks.filter((l) => gw.locks.includes(l.lock_id)).map((l) => new RadioLink(new VirtualLock(lockSpecOf(l, defects), clock)));
}

const lockLinks = await links();
let gateway: VirtualGateway | undefined;
let stopping = false;
onStop(async () => {
  stopping = true;
  if (gateway) await gateway.close();
  else await Promise.all(lockLinks.map((l) => l.close()));
});

// A gateway keeps trying until the broker lets it in; after that mqtt.js reconnects by itself.
const deadline = performance.now() + connectWaitS * 1000;
let lastError = '';
while (!gateway && !stopping) {
  try {
    // Links are added once in: a gateway that fails to connect closes the links it was given.
    gateway = await VirtualGateway.create({
      apId, secret, mqttUrl, lockTimeoutMs, defects, clientId, ...gatewayOptionsOf(chosen.variant), connectTimeoutMs: 5000,
    });
    for (const link of lockLinks) gateway.addLink(link);
  } catch (e) {
    const message = (e as Error).message;
    if (message !== lastError) log(`cannot join ${mqttUrl} as gw:${apId} yet: ${message}; retrying every ${reconnectMs} ms`);
    lastError = message;
    if (performance.now() > deadline) fail(`gave up joining ${mqttUrl} as gw:${apId} after ${connectWaitS} s: ${message}`, 1);
    await sleep(reconnectMs);
  }
}
if (gateway) {
  const locks = lockLinks.map((l) => l.lockId);
  process.stdout.write(`${JSON.stringify({ ready: true, ap_id: apId, client_id: clientId, locks, mqtt: mqttUrl })}\n`);
  log(`gateway ${apId} online as client ${clientId}, locks ${locks.join(',')}${defects.length ? `, defects ${defects.join(',')}` : ''}`);
}
