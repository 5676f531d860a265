/**
 * `npm run build` (also `prepack`, so `npm pack` always ships a fresh dist/): the package as a team installs it.
 * tsc compiles the shipped sources to JavaScript with their `.d.ts` (Playwright does not transpile TypeScript
 * under node_modules, and Node does not strip types there); the data files the code reads beside itself
 * (fixtures/, docs/ with the test plan, schemas/) are copied so dist/ resolves every default path against itself.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMMANDS, fileOf } from './commands.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
rmSync(dist, { recursive: true, force: true });
// What ships: tsconfig.build.json's folders plus every command of the `lockbench` table (bin/commands.ts) under
// bin/ (their modules are imported by name at run time, so tsc would not find them), and no other bin/ script.
const commands = [...new Set(Object.keys(COMMANDS).map((c) => fileOf(root, c)))].filter((f) => f.startsWith('bin/') && existsSync(join(root, f)));
const work = mkdtempSync(join(tmpdir(), 'lockbench-build-'));
const project = join(work, 'tsconfig.json');
// typeRoots: `types: ["node"]` would otherwise be looked up beside this temporary config.
writeFileSync(project, JSON.stringify({
  extends: join(root, 'tsconfig.build.json'),
  compilerOptions: { typeRoots: [join(root, 'node_modules', '@types')] },
  files: commands.map((f) => join(root, f)),
}));
// `tsc` from the package's own devDependency: npm run puts node_modules/.bin on PATH.
const tsc = spawnSync('tsc', ['-p', project], { stdio: 'inherit', shell: process.platform === 'win32' });
rmSync(work, { recursive: true, force: true });
if (tsc.status !== 0) {
  process.stderr.write(`lockbench build: tsc ${tsc.error ? `could not start (${tsc.error.message}); run it as npm run build` : `exited ${tsc.status}`}\n`);
  process.exit(1);
}
cpSync(join(root, 'fixtures'), join(dist, 'fixtures'), { recursive: true });
// The documents the help texts point into (docs/*.md §N) and the test plan; the schemas editors complete files with.
cpSync(join(root, 'docs'), join(dist, 'docs'), { recursive: true });
cpSync(join(root, 'schemas'), join(dist, 'schemas'), { recursive: true });
