/** `npm run conformance -- [--target sim|remote|lab|gateway] [Playwright options]`: run the specs and write reports/. */
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
let target = process.env.LOCKBENCH_TARGET ?? 'sim';
const rest: string[] = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i]!;
  if (a === '--target') target = args[++i] ?? '';
  else if (a.startsWith('--target=')) target = a.slice('--target='.length);
  else rest.push(a);
}
if (!['sim', 'remote', 'lab', 'gateway'].includes(target)) {
  process.stderr.write(`lockbench conformance: --target must be sim, remote, lab or gateway, got "${target}"\n`);
  process.exit(2);
}
// DESIGN §11: one port, one worker. The config forces it; a --workers given here would override the config.
const isWorkers = (a: string): boolean => a === '--workers' || a === '-j';
const playwrightArgs = target !== 'lab' ? rest : rest.filter((a, i) => !isWorkers(a) && !a.startsWith('--workers=') && !(i > 0 && isWorkers(rest[i - 1]!)));
const r = spawnSync(process.execPath, ['node_modules/@playwright/test/cli.js', 'test', ...playwrightArgs], {
  stdio: 'inherit',
  env: { ...process.env, LOCKBENCH_TARGET: target },
});
process.exit(r.status ?? 1);
