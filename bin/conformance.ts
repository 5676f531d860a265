/** `npm run conformance -- [--target sim|remote|lab] [Playwright options]`: run the specs and write reports/. */
import { spawnSync } from 'node:child_process';
import { cli, playwrightCli } from './cli.ts';

const TARGETS = ['sim', 'remote', 'lab'];
const cmd = cli('lockbench conformance', {
  synopsis: 'lockbench conformance [--target sim|remote|lab] [Playwright test options]',
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
const r = spawnSync(process.execPath, [playwrightCli(), 'test', ...rest], {
  stdio: 'inherit',
  env: { ...process.env, LOCKBENCH_TARGET: target },
});
process.exit(r.status ?? 1);
