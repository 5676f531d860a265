/**
 * `npm run build` (also `prepack`, so `npm pack` always ships a fresh dist/): the package as a team installs it.
 * tsc compiles the shipped sources to JavaScript with their `.d.ts` (Playwright does not transpile TypeScript
 * under node_modules, and Node does not strip types there); the data files the code reads beside itself
 * (fixtures/, the test plan) are copied so dist/ resolves every default path against itself.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
rmSync(dist, { recursive: true, force: true });
// `tsc` from the package's own devDependency: npm run puts node_modules/.bin on PATH.
const tsc = spawnSync('tsc', ['-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit', shell: process.platform === 'win32' });
if (tsc.status !== 0) {
  process.stderr.write(`lockbench build: tsc ${tsc.error ? `could not start (${tsc.error.message}); run it as npm run build` : `exited ${tsc.status}`}\n`);
  process.exit(1);
}
cpSync(join(root, 'fixtures'), join(dist, 'fixtures'), { recursive: true });
cpSync(join(root, 'docs', 'TEST-PLAN.md'), join(dist, 'docs', 'TEST-PLAN.md'));
