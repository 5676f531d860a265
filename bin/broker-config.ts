/** `npm run broker-config`: Mosquitto 2 configuration for a fixture's fleet (DESIGN §13). */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import { FixtureError, loadFixture } from '../sim/world/index.ts';
import { cloudAcl, gatewaysDynsec, mosquittoConf, passwdLine, tapAcl } from '../sim/broker/mosquitto-config.ts';
import { findDynsecPlugin } from '../sim/broker/dynsec-plugin.ts';
import { privateDir, writeSecretFile } from '../sim/io/secret-file.ts';
import { cli } from './cli.ts';

const HELP = `usage: npm run broker-config -- --fixture F --out DIR --port N [--bind HOST] [--cloud-password P]
                              [--tap-password P] [--plugin PATH]

Writes Mosquitto 2 configuration for the fixture's fleet (docs/past-one-machine.md §13):
  DIR/mosquitto.conf         listener N on HOST, anonymous refused, persistence off, log DIR/mosquitto.log,
                             run as the user who wrote the files (they are 0600)
  DIR/passwd, DIR/acl        user cloud (PBKDF2-SHA512 "$7$" hash) and its docs/mqtt-gateway.md §4 rules; user tap, which
                             reads every docs/mqtt-gateway.md §4 topic (cmd, status, ack, event) and writes none
  DIR/dynamic-security.json  users gw:{ap_id} with their fixture secrets, each only its own topics
  DIR/cloud.url              the --mqtt-url / LOCKBENCH_MQTT_URL to use (mqtt://cloud:PASSWORD@HOST:N)
  DIR/tap.url                LOCKBENCH_MQTT_TAP_URL (mqtt://tap:PASSWORD@HOST:N): conformance records the
                             MQTT of each test's world into its wire log through it (docs/evidence.md §14)
Every rule holds in the empty namespace (docs/mqtt-gateway.md §4 exactly) and in any one-level namespace.
Start it with: mosquitto -c DIR/mosquitto.conf

  --fixture F          fixture file (required)
  --out DIR            output directory, created if missing (required)
  --port N             listener TCP port 1…65535 (required)
  --bind HOST          listener address (default 127.0.0.1)
  --cloud-password P   password of user cloud (default: 32 random hex digits)
  --tap-password P     password of user tap (default: 32 random hex digits)
  --plugin PATH        Mosquitto's dynamic-security plugin (default $LOCKBENCH_MOSQUITTO_PLUGIN, else the
                       file dpkg -L mosquitto lists, else the first of /usr/lib/{x86_64-linux-gnu,
                       aarch64-linux-gnu,arm-linux-gnueabihf}, /usr/lib64, /usr/lib, /usr/local/lib that has it)
`;

const cmd = cli('lockbench broker-config');
if (process.argv.includes('--help')) {
  process.stdout.write(HELP);
  process.exit(0);
}
const args = cmd.parse({
  fixture: { type: 'string' },
  out: { type: 'string' },
  port: { type: 'string' },
  bind: { type: 'string', default: '127.0.0.1' },
  'cloud-password': { type: 'string' },
  'tap-password': { type: 'string' },
  plugin: { type: 'string' },
});
for (const flag of ['fixture', 'out', 'port'] as const) if (args[flag] === undefined) cmd.fail(`--${flag} is required (see --help)`);
const port = cmd.uint(args.port, '--port', 1, 65535);
const bind = args.bind!;
const cloudPassword = args['cloud-password'] ?? randomBytes(16).toString('hex');
if (cloudPassword.length === 0) cmd.fail('--cloud-password must not be empty');
const tapPassword = args['tap-password'] ?? randomBytes(16).toString('hex');
if (tapPassword.length === 0) cmd.fail('--tap-password must not be empty');
const pluginOverride = args.plugin !== undefined ? { path: args.plugin, from: '--plugin' }
  : process.env.LOCKBENCH_MOSQUITTO_PLUGIN ? { path: process.env.LOCKBENCH_MOSQUITTO_PLUGIN, from: 'LOCKBENCH_MOSQUITTO_PLUGIN' } : undefined;
const found = findDynsecPlugin(pluginOverride);
const plugin = found.ok ? found : cmd.fail(found.error);

const fixture = await loadFixture(args.fixture!).catch((e: unknown) =>
  cmd.fail(e instanceof FixtureError ? `invalid fixture ${args.fixture}:\n${e.message}` : String(e)));
const dir = resolve(args.out!);
// The folder is the broker user's alone (0700); secret files are 0600 whatever was there, and a
// symlink at a secret's path stops the run rather than being followed (sim/io/secret-file.ts).
const host = bind.includes(':') ? `[${bind}]` : bind;
try {
  await privateDir(dir);
  await writeFile(`${dir}/mosquitto.conf`, mosquittoConf({ dir, port, bind, user: userInfo().username }, plugin.path), { mode: 0o600 });
  await writeSecretFile(`${dir}/passwd`, `${passwdLine('cloud', cloudPassword)}\n${passwdLine('tap', tapPassword)}\n`);
  await writeFile(`${dir}/acl`, `${cloudAcl()}\n${tapAcl()}`, { mode: 0o600 });
  await writeSecretFile(`${dir}/dynamic-security.json`, gatewaysDynsec(fixture.gateways.map((g) => ({ apId: g.ap_id, secret: g.secret }))));
  await writeSecretFile(`${dir}/cloud.url`, `mqtt://cloud:${encodeURIComponent(cloudPassword)}@${host}:${port}\n`);
  await writeSecretFile(`${dir}/tap.url`, `mqtt://tap:${encodeURIComponent(tapPassword)}@${host}:${port}\n`);
} catch (e) {
  cmd.fail(e instanceof Error ? e.message : String(e));
}
cmd.log(`wrote ${dir}/{mosquitto.conf,passwd,acl,dynamic-security.json,cloud.url,tap.url} for ${fixture.gateways.length} gateways (plugin ${plugin.path}: ${plugin.how})`);
