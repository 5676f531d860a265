/**
 * The rooms of DESIGN §1 and what each may import — the one copy of that table: the README and
 * docs/architecture.md print it (`npm run docs:rooms`), and the check below runs over every TypeScript file
 * of the tree (STYLE §11; Playwright keeps the same idea as a `DEPS.list` per folder). `npm run rooms` prints
 * every arrow that breaks it; `bin/rooms.test.ts` keeps main clean.
 */
import { fileURLToPath } from 'node:url';
import { arrowsOf, circlesOf, importsOf, readSources, reexportedThrough, targetOf, tsFilesOf, type Arrow } from './import-graph.ts';

/** A room: the files it holds (path prefix, or an exact file) and the rooms it may import. */
export interface Room {
  name: string;
  /** A folder (ending in `/`) or one file. */
  holds: string;
  /** What the room is for, as the printed table says it. */
  about: string;
  mayImport: readonly string[];
  /** Rooms it may import types from, and no values: it speaks their interfaces without running their code. */
  mayImportTypes?: readonly string[];
  /** Only `import type` from other rooms (DESIGN §1: reporters import only types). */
  typesOnly?: true;
}

/** Transport plumbing, the defect registry and the seeded random source serve every room of the simulator. */
const SHARED = ['sim/io', 'sim/defects', 'sim/random'];

/** DESIGN §1's table. A file in no room fails the check: a new room is added here first. */
export const ROOMS: readonly Room[] = [
  { name: 'sim/protocol', holds: 'sim/protocol/', about: 'wire types and codecs: profiles and code tables, MQTT messages and topics, lockwire, sign, TOTP, time-sync keys, ID check', mayImport: [] },
  { name: 'sim/clock', holds: 'sim/clock/', about: 'world clock, lock clock', mayImport: [] },
  { name: 'sim/io', holds: 'sim/io/', about: 'transport plumbing: MQTT and HTTP with Nagle off, listen/close, `withTimeout`, bounded `waitUntil`, the serial port keeper', mayImport: [] },
  { name: 'sim/defects', holds: 'sim/defects.ts', about: 'the typed registry of seeded defects', mayImport: [] },
  { name: 'sim/random', holds: 'sim/random.ts', about: 'the seeded random source, forked per subsystem', mayImport: [] },
  { name: 'sim/variants', holds: 'sim/variants/', about: "the contract's freedoms as data: virtual devices take a drawn variant, sweeps draw them", mayImport: ['sim/random'] },
  { name: 'sim/lock', holds: 'sim/lock/', about: 'the virtual lock firmware model', mayImport: ['sim/clock', 'sim/protocol', ...SHARED] },
  { name: 'sim/gateway', holds: 'sim/gateway/', about: 'virtual gateway over a `LockLink`', mayImport: ['sim/lock', 'sim/protocol', 'sim/variants', ...SHARED] },
  { name: 'sim/cloud', holds: 'sim/cloud/', about: 'the stub cloud: HTTP API, signature, store, RPC to gateways, pushes, face client', mayImport: ['sim/protocol', 'sim/clock', ...SHARED] },
  { name: 'sim/broker', holds: 'sim/broker/', about: 'aedes broker with gateway authentication and ACL', mayImport: ['sim/protocol', ...SHARED] },
  { name: 'sim/serial-lock', holds: 'sim/serial-lock/', about: 'a virtual lock that speaks lockwire on a serial port', mayImport: ['sim/lock', 'sim/clock', 'sim/protocol', 'sim/variants', ...SHARED] },
  {
    name: 'sim/world', holds: 'sim/world/', about: 'a world from a fixture; the control API',
    mayImport: ['sim/protocol', 'sim/clock', 'sim/lock', 'sim/gateway', 'sim/cloud', 'sim/broker', 'sim/serial-lock', ...SHARED],
  },
  { name: 'harness/client', holds: 'harness/client/', about: 'typed API client; the one signed-request helper (into the wire log)', mayImport: ['sim/protocol', 'sim/io'] },
  { name: 'harness/serial', holds: 'harness/serial/', about: '`SerialLink` and the lab bridge', mayImport: ['sim/protocol', 'sim/gateway', 'sim/io', 'sim/defects'] },
  // A room per target (DESIGN §9 Targets): what every target shares, then each target on its own;
  // `harness/targets` itself holds only the dispatch (open.ts) and the global setup over all of them.
  {
    name: 'harness/targets/core', holds: 'harness/targets/core/', about: 'what every target shares: facets, fleet roles, the control client, lock codes, API settling, preflight',
    mayImport: ['sim/world', 'sim/protocol', 'sim/io', 'sim/random', 'harness/client'],
    // The world's index hands on a gateway's `LockLink` and the broker's client records; the control API
    // answers a gateway probe with the cloud's `ProbeResult` (types only: one definition of each answer).
    mayImportTypes: ['sim/gateway', 'sim/broker', 'sim/cloud'],
  },
  {
    name: 'harness/targets/sim', holds: 'harness/targets/sim/', about: 'the `sim` target: an embedded world per worker, its locks through the control API, the MQTT tap',
    mayImport: ['harness/targets/core', 'harness/client', 'sim/world', 'sim/protocol', 'sim/io'],
    mayImportTypes: ['sim/gateway', 'sim/broker'],
  },
  // harness/targets/replay: the remote target records each test's exchanges for a cassette.
  { name: 'harness/targets/remote', holds: 'harness/targets/remote/', about: 'the `remote` target: a cloud reached only through its API', mayImport: ['harness/targets/core', 'harness/client', 'harness/targets/replay', 'sim/protocol'] },
  {
    name: 'harness/targets/replay', holds: 'harness/targets/replay/', about: 'cassettes of a cloud: recording at the client edge, the `replay` target, `cassette diff`',
    mayImport: ['harness/targets/core', 'harness/client', 'sim/protocol'],
  },
  {
    name: 'harness/targets/lab', holds: 'harness/targets/lab/', about: 'the `lab` target: a lockwire device on a serial port, its clock, state and settling',
    // sim/defects: the lab target reads its link's seeded defects where it reads its other settings.
    mayImport: ['harness/targets/core', 'harness/serial', 'harness/client', 'sim/world', 'sim/protocol', 'sim/io', 'sim/defects'],
    // The lab hands the world a serial `LockLink`; the world's index also hands on the broker's client records.
    mayImportTypes: ['sim/gateway', 'sim/broker'],
  },
  {
    name: 'harness/targets/gateway', holds: 'harness/targets/gateway/', about: 'the `gateway` target: a physical gateway on the harness\'s broker',
    // harness/station: the wait for the gateway to connect is shown on the station page as a countdown.
    mayImport: ['harness/targets/core', 'harness/client', 'harness/station', 'sim/world', 'sim/protocol', 'sim/io'],
    mayImportTypes: ['sim/gateway', 'sim/broker'],
  },
  {
    name: 'harness/targets', holds: 'harness/targets/', about: 'opening a target by name; the global setup over every target',
    mayImport: ['harness/targets/core', 'harness/targets/sim', 'harness/targets/remote', 'harness/targets/replay', 'harness/targets/lab', 'harness/targets/gateway', 'sim/protocol'],
  },
  // Fixtures render a failing test's attachments (the sequence diagram) with the report's pure renderers.
  {
    name: 'harness/fixtures', holds: 'harness/fixtures/', about: 'Playwright fixtures (`world`, `api`, `clock`, `locks`, `pushes`, `wire`)',
    mayImport: ['harness/targets', 'harness/targets/core', 'harness/client', 'harness/report', 'harness/station', 'sim/protocol', 'sim/io'],
  },
  // The live page of `--station`: a reporter and a hub in the runner's processes, a feed in the workers; it draws with the report's pure renderers.
  { name: 'harness/station', holds: 'harness/station/', about: 'the live station page (`--station`): events from runner and workers, the hub, its server and page, operator prompts', mayImport: ['harness/client', 'harness/report'], mayImportTypes: ['harness/targets/core'] },
  { name: 'harness/report', holds: 'harness/report/', about: 'conformance-matrix reporter, sequence diagrams', mayImport: [], typesOnly: true },
  { name: 'harness/defects', holds: 'harness/defects/', about: 'defect catalogue, kill matrix, lab run verdicts', mayImport: ['sim/defects', 'harness/report'] },
  // Specs wait with the one bounded wait of sim/io (STYLE §18), which the fixtures hand them.
  { name: 'specs', holds: 'specs/', about: 'conformance specs, one file per area of the test plan', mayImport: ['harness/fixtures', 'harness/client', 'harness/targets/core', 'sim/protocol', 'sim/io'] },
];

/** Entry points compose everything: command lines, benchmarks, the Playwright config and the `defineConfig` behind it. No room imports one. */
export const ENTRY_POINTS = ['bin/', 'bench/', 'playwright.config.ts', 'harness/config.ts'];

/** The repository this file belongs to: the check never depends on the directory it is started from. */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

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

export { importsOf };

export function roomOf(file: string): Room | undefined {
  return ROOMS.find((r) => (r.holds.endsWith('/') ? file.startsWith(r.holds) : file === r.holds || file === r.holds.replace(/\.ts$/, '.test.ts')));
}

const isEntryPoint = (file: string): boolean => ENTRY_POINTS.some((e) => file.startsWith(e));

/** Why DESIGN §1 forbids `file` → `target` (a value arrow unless `typeOnly`), or undefined when it allows it. */
export function whyForbidden(file: string, target: string, typeOnly: boolean): string | undefined {
  if (TEST_KIT.test(target) && !TEST_OR_SPEC.test(file)) return 'production code imports a test kit (*.test-kit.ts)';
  if (isEntryPoint(file) || target.startsWith('node_modules/')) return undefined;
  const from = roomOf(file);
  if (!from) return undefined;
  const kind = typeOnly ? 'types from' : 'values from';
  if (isEntryPoint(target)) return `${from.name} imports ${kind} an entry point (rooms never import bin/, bench/ or the config)`;
  const to = roomOf(target);
  if (to === from) return undefined;
  if (!to) return target.startsWith('fixtures/') ? undefined : `${from.name} imports ${kind} a file in no room`;
  if (TEST_FILE.test(file)) {
    return from.name.startsWith('sim/') && !to.name.startsWith('sim/') ? 'the simulator (even its tests) never imports the harness' : undefined;
  }
  if (from.typesOnly && typeOnly) return undefined;
  if (from.typesOnly) return `${from.name} may import types only, and this imports values from ${to.name}`;
  if (from.mayImport.includes(to.name) || (typeOnly && from.mayImportTypes?.includes(to.name))) return undefined;
  return `${from.name} may not import ${kind} ${to.name}`;
}

/** Every direct arrow of `file` (repo-relative, `/`-separated) that DESIGN §1 forbids. */
export function violationsOf(file: string, source: string): Violation[] {
  if (!isEntryPoint(file) && !roomOf(file)) return [{ file, imports: '', why: 'the file is in no room of docs/architecture.md §1 (add the room to bin/rooms.ts)' }];
  return importsOf(source).flatMap(({ spec, typeOnly }) => {
    const target = targetOf(file, spec);
    const why = whyForbidden(file, target, typeOnly);
    return why ? [{ file, imports: target, why }] : [];
  });
}

/** Arrows that arrive through a re-export: importing a file imports what it re-exports, and is judged so. */
export function launderedOf(arrows: readonly Arrow[]): Violation[] {
  const seen = new Set<string>();
  return arrows.flatMap((a) =>
    reexportedThrough(a.to, arrows).flatMap(({ to, typeOnly, via }) => {
      const why = whyForbidden(a.from, to, a.typeOnly || typeOnly);
      // One line per file and forbidden room: an index re-exporting a whole room would repeat it per file.
      const key = `${a.from}|${why}`;
      if (!why || seen.has(key)) return [];
      seen.add(key);
      return [{ file: a.from, imports: to, why: `${why} (re-exported by ${via})` }];
    }));
}

/** Files that import each other in a circle, type imports included. */
export function circleViolations(arrows: readonly Arrow[]): Violation[] {
  return circlesOf(arrows).map(({ circle, knot }) => ({
    file: circle[0]!,
    imports: circle[1]!,
    why: `files import each other in a circle: ${circle.join(' → ')}${knot.length > circle.length - 1 ? ` (one knot of ${knot.length} files: ${knot.join(', ')})` : ''}`,
  }));
}

/** Every violation in the tree at `root` (the repository by default); a tree with no files is one. */
export function checkTree(root: string = REPO_ROOT): Violation[] {
  const files = tsFilesOf(root, ['sim', 'harness', 'specs', 'bin', 'bench'], ['playwright.config.ts']);
  if (files.length === 0) return [{ file: root, imports: '', why: 'found no TypeScript files to check: is this the repository root?' }];
  const sources = readSources(root, files);
  const arrows = arrowsOf(sources);
  return [
    ...[...sources].flatMap(([f, s]) => violationsOf(f, s)),
    ...launderedOf(arrows),
    ...circleViolations(arrows),
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const found = checkTree();
  for (const v of found) console.log(`${v.file} → ${v.imports}: ${v.why}`);
  console.log(found.length === 0 ? 'rooms: every import follows docs/architecture.md §1, and no files import each other in a circle' : `rooms: ${found.length} imports break docs/architecture.md §1`);
  process.exit(found.length === 0 ? 0 : 1);
}
