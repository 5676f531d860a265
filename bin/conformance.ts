/** `npm run conformance -- [--target sim|remote|lab|gateway] [Playwright options]`: run the specs and write reports/. */
import { spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { parseBrokerUrl } from '../sim/world/broker-url.ts';
import { cli, playwrightCli } from './cli.ts';

const TARGETS = ['sim', 'remote', 'lab', 'gateway'];
const cmd = cli('lockbench conformance', {
  synopsis: 'lockbench conformance [--target sim|remote|lab|gateway] [Playwright test options]',
  about: 'Run the conformance specs (DESIGN §8, §9) and write reports/: html/, junit.xml, results.json, conformance.{html,json}.\nEvery other option goes to `playwright test` (--grep @PWD-05, --project, --workers N, --list, …); --list writes no report.',
  options: [
    ['--target T', `what the specs run against: ${TARGETS.join(', ')}; default $LOCKBENCH_TARGET, else sim`],
  ],
  more: ['Settings of each target are environment variables (README: Variables); a missing one stops the run before any test.', 'Playwright\'s own options: npx playwright test --help'],
});
const args = process.argv.slice(2);
cmd.helpIfAsked(args);
let target = process.env.LOCKBENCH_TARGET ?? 'sim';
const rest: string[] = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i]!;
  if (a === '--target') target = args[++i] ?? '';
  else if (a.startsWith('--target=')) target = a.slice('--target='.length);
  else rest.push(a);
}
if (!TARGETS.includes(target)) cmd.fail(`--target must be ${TARGETS.join(', ')}, got "${target}"`);
// DESIGN §13: a bad external broker URL stops the run once, up front, not once per test.
const mqttUrl = process.env.LOCKBENCH_MQTT_URL;
if (mqttUrl) {
  const parsed = parseBrokerUrl(mqttUrl);
  if (!parsed.ok) {
    process.stderr.write(`lockbench conformance: LOCKBENCH_MQTT_URL ${parsed.error}\n`);
    process.exit(2);
  }
  const u = new URL(parsed.value.url);
  const reachable = await new Promise<boolean>((resolve) => {
    const c = connect({ host: u.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(u.port || 1883), timeout: 2000 }, () => { c.destroy(); resolve(true); });
    c.on('error', () => resolve(false)).on('timeout', () => { c.destroy(); resolve(false); });
  });
  if (!reachable) {
    process.stderr.write(`lockbench conformance: LOCKBENCH_MQTT_URL: no broker answers at ${parsed.value.url}\n`);
    process.exit(2);
  }
  if (target !== 'sim') process.stderr.write(`lockbench conformance: LOCKBENCH_MQTT_URL is for the sim target; ignored on ${target}\n`);
}
// DESIGN §11: one port, one worker. The config forces it; a --workers given here would override the config.
const isWorkers = (a: string): boolean => a === '--workers' || a === '-j';
const playwrightArgs = target !== 'lab' ? rest : rest.filter((a, i) => !isWorkers(a) && !a.startsWith('--workers=') && !(i > 0 && isWorkers(rest[i - 1]!)));
const r = spawnSync(process.execPath, [playwrightCli(), 'test', ...playwrightArgs], {
  stdio: 'inherit',
  env: { ...process.env, LOCKBENCH_TARGET: target },
});
process.exit(r.status ?? 1);
