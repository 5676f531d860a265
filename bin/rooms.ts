/**
 * The rooms of DESIGN §1 and what each may import, checked over every TypeScript file of the tree
 * (STYLE §11; Playwright keeps the same idea as a `DEPS.list` per folder). `npm run rooms` prints
 * every arrow that breaks the table; `bin/rooms.test.ts` keeps main clean.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

/** A room: the files it holds (path prefix, or an exact file) and the rooms it may import. */
interface Room {
  name: string;
  /** A folder (ending in `/`) or one file. */
  holds: string;
  mayImport: readonly string[];
  /** Only `import type` from other rooms (DESIGN §1: reporters import only types). */
  typesOnly?: true;
}

/** Transport plumbing and the defect registry serve every room of the simulator (DESIGN §1). */
const SHARED = ['sim/io', 'sim/defects', 'sim/random'];

/** DESIGN §1's table. A file in no room fails the check: a new room is added here first. */
export const ROOMS: readonly Room[] = [
  { name: 'sim/protocol', holds: 'sim/protocol/', mayImport: [] },
  { name: 'sim/clock', holds: 'sim/clock/', mayImport: [] },
  { name: 'sim/io', holds: 'sim/io/', mayImport: [] },
  { name: 'sim/defects', holds: 'sim/defects.ts', mayImport: [] },
  { name: 'sim/random', holds: 'sim/random.ts', mayImport: [] },
  // The contract's freedoms as data (DESIGN §4–§6, §11, §12): virtual devices take a drawn variant, sweeps draw them.
  { name: 'sim/variants', holds: 'sim/variants/', mayImport: ['sim/random'] },
  { name: 'sim/lock', holds: 'sim/lock/', mayImport: ['sim/clock', 'sim/protocol', ...SHARED] },
  { name: 'sim/gateway', holds: 'sim/gateway/', mayImport: ['sim/lock', 'sim/protocol', 'sim/variants', ...SHARED] },
  { name: 'sim/cloud', holds: 'sim/cloud/', mayImport: ['sim/protocol', 'sim/clock', ...SHARED] },
  { name: 'sim/broker', holds: 'sim/broker/', mayImport: ['sim/protocol', ...SHARED] },
  { name: 'sim/serial-lock', holds: 'sim/serial-lock/', mayImport: ['sim/lock', 'sim/clock', 'sim/protocol', 'sim/variants', ...SHARED] },
  {
    name: 'sim/world', holds: 'sim/world/',
    mayImport: ['sim/protocol', 'sim/clock', 'sim/lock', 'sim/gateway', 'sim/cloud', 'sim/broker', 'sim/serial-lock', ...SHARED],
  },
  { name: 'harness/client', holds: 'harness/client/', mayImport: ['sim/protocol', 'sim/io'] },
  { name: 'harness/serial', holds: 'harness/serial/', mayImport: ['sim/protocol', 'sim/gateway', 'sim/io', 'sim/defects'] },
  {
    name: 'harness/targets', holds: 'harness/targets/',
    mayImport: ['sim/world', 'sim/protocol', 'sim/io', 'sim/defects', 'sim/random', 'harness/serial', 'harness/client'],
  },
  // Fixtures render a failing test's attachments (the sequence diagram) with the report's pure renderers.
  { name: 'harness/fixtures', holds: 'harness/fixtures/', mayImport: ['harness/targets', 'harness/client', 'harness/report', 'sim/protocol', 'sim/io'] },
  { name: 'harness/report', holds: 'harness/report/', mayImport: [], typesOnly: true },
  { name: 'harness/defects', holds: 'harness/defects/', mayImport: ['sim/defects', 'harness/report'] },
  { name: 'specs', holds: 'specs/', mayImport: ['harness/fixtures', 'harness/client', 'harness/targets', 'sim/protocol'] },
];

/** Entry points compose everything: command lines, benchmarks and the Playwright config. */
const ENTRY_POINTS = ['bin/', 'bench/', 'playwright.config.ts', 'harness/config.ts'];

/** Tests and their kits may reach across rooms of their own side, never from the simulator into the harness. */
const TEST_FILE = /\.(test|test-kit|check)\.ts$/;

/**
 * A test kit: a helper only tests use (fakes, probes, fixtures of unit tests), named `*.test-kit.ts` so
 * the unit runner's discovery (`*.test.ts`) skips it and this check keeps it out of the production graph.
 */
const TEST_KIT = /\.test-kit\.ts$/;

/** What may import a kit: unit tests, other kits, browser checks and Playwright specs. */
const TEST_OR_SPEC = /\.(test|test-kit|check|spec)\.ts$/;

export interface Violation {
  file: string;
  imports: string;
  why: string;
}

export function roomOf(file: string): Room | undefined {
  return ROOMS.find((r) => (r.holds.endsWith('/') ? file.startsWith(r.holds) : file === r.holds || file === r.holds.replace(/\.ts$/, '.test.ts')));
}

/** Relative module specifiers of a file: static imports and re-exports, side-effect and dynamic imports. */
export function importsOf(source: string): { spec: string; typeOnly: boolean }[] {
  const found: { spec: string; typeOnly: boolean }[] = [];
  const re = /(?:^|[\s;])(import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;
  for (const m of source.matchAll(re)) {
    if (m[3]) found.push({ spec: m[3], typeOnly: m[2] !== undefined });
    else if (m[4]) found.push({ spec: m[4], typeOnly: false });
  }
  return found;
}

/** Every arrow of `file` (repo-relative, `/`-separated) that DESIGN §1 forbids. */
export function violationsOf(file: string, source: string): Violation[] {
  const kits = kitImportsOf(file, source);
  if (ENTRY_POINTS.some((e) => file.startsWith(e))) return kits;
  const from = roomOf(file);
  if (!from) return [{ file, imports: '', why: 'the file is in no room of DESIGN §1 (add the room to bin/rooms.ts)' }];
  const isTest = TEST_FILE.test(file);
  const out: Violation[] = [...kits];
  for (const { spec, typeOnly } of importsOf(source)) {
    const target = targetOf(file, spec);
    if (target.startsWith('node_modules/')) continue;
    const to = roomOf(target);
    if (to === from) continue;
    if (!to) {
      if (isTest && ENTRY_POINTS.some((e) => target.startsWith(e))) continue;
      if (!ENTRY_POINTS.some((e) => target.startsWith(e)) && !target.startsWith('fixtures/')) {
        out.push({ file, imports: target, why: 'imports a file in no room' });
      } else if (ENTRY_POINTS.some((e) => target.startsWith(e))) {
        out.push({ file, imports: target, why: `${from.name} imports an entry point` });
      }
      continue;
    }
    if (isTest) {
      if (from.name.startsWith('sim/') && !to.name.startsWith('sim/')) out.push({ file, imports: target, why: 'the simulator (even its tests) never imports the harness' });
      continue;
    }
    if (from.typesOnly && typeOnly) continue;
    if (!from.mayImport.includes(to.name)) out.push({ file, imports: target, why: `${from.name} may not import ${to.name}` });
  }
  return out;
}

/** The repo-relative path an import specifier of `file` names. */
function targetOf(file: string, spec: string): string {
  return normalize(join(dirname(file), spec)).split('\\').join('/');
}

/** A production file (entry points included) importing a test kit: the kit would ship and its fakes could stand in for the contract. */
function kitImportsOf(file: string, source: string): Violation[] {
  if (TEST_OR_SPEC.test(file)) return [];
  return importsOf(source)
    .map(({ spec }) => targetOf(file, spec))
    .filter((target) => TEST_KIT.test(target))
    .map((target) => ({ file, imports: target, why: 'production code imports a test kit (*.test-kit.ts)' }));
}

function tsFiles(dir: string, root: string, out: string[]): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) tsFiles(p, root, out);
    else if (name.endsWith('.ts')) out.push(relative(root, p).split('\\').join('/'));
  }
  return out;
}

/** Every violation in the tree at `root`. */
export function checkTree(root: string): Violation[] {
  const files = ['sim', 'harness', 'specs', 'bin', 'bench'].flatMap((d) => {
    try {
      return tsFiles(join(root, d), root, []);
    } catch {
      return [];
    }
  });
  if (existsSync(join(root, 'playwright.config.ts'))) files.push('playwright.config.ts');
  return files.flatMap((f) => violationsOf(f, readFileSync(join(root, f), 'utf8')));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const found = checkTree(process.cwd());
  for (const v of found) console.log(`${v.file} → ${v.imports}: ${v.why}`);
  console.log(found.length === 0 ? 'rooms: every import follows DESIGN §1' : `rooms: ${found.length} imports break DESIGN §1`);
  process.exit(found.length === 0 ? 0 : 1);
}
