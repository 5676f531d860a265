/**
 * Run every unit test (`*.test.ts` under sim/, harness/, bin/, bench/) with Node's test runner. Test kits
 * (`*.test-kit.ts`: helpers tests import) do not match, so they never run as a test file of their own.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { cli } from './cli.ts';

cli('lockbench unit', {
  synopsis: 'npm run unit [-- SUBSTRING ...]',
  about: 'Run the unit tests (*.test.ts under sim/, harness/, bin/, bench/) with Node\'s test runner, 2 at a time.\nWith substrings, only the files whose path contains one of them.',
}).helpIfAsked();

function find(dir: string, out: string[]): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names) {
    const p = join(dir, name);
    if (name === 'node_modules') continue;
    if (statSync(p).isDirectory()) find(p, out);
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const filter = process.argv.slice(2);
const files = ['sim', 'harness', 'bin', 'bench']
  .flatMap((d) => find(d, []))
  .filter((f) => filter.length === 0 || filter.some((s) => f.includes(s)))
  .sort();
if (files.length === 0) {
  console.error('unit: no test files found');
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
