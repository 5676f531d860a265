/**
 * `npm run conformance:mosquitto`: the sim suite against a real Mosquitto 2 started from
 * `broker-config`'s files (DESIGN §13), then the verdict. Mosquitto must have seen the clients.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitUntil } from '../sim/io/index.ts';
import { cli } from './cli.ts';

const HELP = `usage: npm run conformance:mosquitto [-- Playwright options]

Writes Mosquitto configuration for fixtures/fleet.json on a free loopback port (npm run broker-config),
starts \`mosquitto -c\`, runs \`npm run conformance\` with LOCKBENCH_MQTT_URL and LOCKBENCH_MQTT_TAP_URL set (the
whole sim suite, both profiles unless LOCKBENCH_PROFILE names one; each test's wire log holds its world's MQTT
through the read-only tap; reports in reports/mosquitto), stops Mosquitto and exits by the verdict. It fails when
Mosquitto's log saw no gateway, no cloud, or fewer taps than worlds. Without mosquitto installed it skips (exit 0),
except under CI=true where that fails.
`;

const cmd = cli('lockbench conformance:mosquitto');
if (process.argv.includes('--help')) {
  process.stdout.write(HELP);
  process.exit(0);
}
if (spawnSync('mosquitto', ['-h']).error) {
  if (process.env.CI) cmd.fail('mosquitto is not installed (apt-get install mosquitto)', 1);
  cmd.log('mosquitto is not installed: skipped');
  process.exit(0);
}

const freePort = (): Promise<number> => new Promise((resolve, reject) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const port = (s.address() as { port: number }).port;
    s.close(() => resolve(port));
  }).on('error', reject);
});

/** Until the port accepts a connection, at most `timeoutMs`. */
/** Whether something accepts a TCP connection on 127.0.0.1:port now. */
function accepts(port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const c = connect({ host: '127.0.0.1', port }, () => { c.destroy(); resolve(true); }).on('error', () => resolve(false));
  });
}

const dir = mkdtempSync(join(tmpdir(), 'lockbench-mosquitto-'));
const port = await freePort();
const config = spawnSync(process.execPath, ['--import', 'tsx', 'bin/broker-config.ts', '--fixture', 'fixtures/fleet.json', '--out', dir, '--port', String(port)], { stdio: 'inherit' });
if (config.status !== 0) cmd.fail('broker-config failed', 1);
const broker = spawn('mosquitto', ['-c', join(dir, 'mosquitto.conf')], { stdio: ['ignore', 'ignore', 'inherit'] });
const exited = new Promise<void>((resolve) => broker.on('exit', () => resolve()));
let status = 1;
try {
  await waitUntil(`mosquitto to listen on ${port} (log: ${join(dir, 'mosquitto.log')})`, () => accepts(port), { timeoutMs: 5000, intervalMs: 50 });
  cmd.log(`mosquitto on 127.0.0.1:${port}, config in ${dir}`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'bin/conformance.ts', ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: {
      ...process.env,
      LOCKBENCH_MQTT_URL: readFileSync(join(dir, 'cloud.url'), 'utf8').trim(),
      LOCKBENCH_MQTT_TAP_URL: readFileSync(join(dir, 'tap.url'), 'utf8').trim(),
      LOCKBENCH_REPORTS: 'reports/mosquitto',
      LOCKBENCH_MATRIX_DIR: 'reports/mosquitto',
    },
  });
  status = run.status ?? 1;
} catch (e) {
  cmd.log((e as Error).message);
} finally {
  broker.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
  if (broker.exitCode === null) broker.kill('SIGKILL');
}
// The run counts only if the broker under test is the one the clients used.
const log = readFileSync(join(dir, 'mosquitto.log'), 'utf8');
const gateways = (log.match(/New client connected .* u'gw:\d+'/g) ?? []).length;
const clouds = (log.match(/New client connected .* u'cloud'/g) ?? []).length;
const taps = (log.match(/New client connected .* u'tap'/g) ?? []).length;
cmd.log(`mosquitto saw ${gateways} gateway, ${clouds} cloud and ${taps} tap connections`);
rmSync(dir, { recursive: true, force: true });
if (status === 0 && (gateways === 0 || clouds === 0)) cmd.fail('mosquitto saw no gateway or no cloud: the suite did not use it', 1);
// DESIGN §14: the wire logs hold MQTT only if every world was tapped (one tap per world, and the preflight's).
if (status === 0 && taps <= clouds) cmd.fail(`mosquitto saw ${taps} tap connections for ${clouds} worlds: the wire logs missed MQTT`, 1);
process.exit(status);
