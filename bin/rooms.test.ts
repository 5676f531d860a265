import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { BEGIN, END, PRINTED_IN, roomsTable, staleCopies, withTable } from './docs-rooms.ts';
import { arrowsOf } from './import-graph.ts';
import { checkTree, circleViolations, importsOf, launderedOf, REPO_ROOT, violationsOf } from './rooms.ts';

// DESIGN §1: the rooms and their allowed imports, checked over the whole tree (STYLE §11).

test('every import of the tree follows DESIGN §1 and no files import each other in a circle', () => {
  const found = checkTree();
  assert.deepEqual(found.map((v) => `${v.file} → ${v.imports}: ${v.why}`), []);
});

test('the check finds the repository from its own location, and a tree with no files fails', () => {
  assert.ok(REPO_ROOT.endsWith('/') && readFileSync(join(REPO_ROOT, 'bin/rooms.ts'), 'utf8').length > 0);
  const empty = mkdtempSync(join(tmpdir(), 'rooms-empty-'));
  try {
    assert.match(checkTree(empty)[0]!.why, /found no TypeScript files/);
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});

test('the simulator importing the harness is refused, in code and in tests', () => {
  const src = "import { ApiClient } from '../../harness/client/api-client.ts';\n";
  assert.equal(violationsOf('sim/cloud/cloud.ts', src).length, 1);
  assert.equal(violationsOf('sim/cloud/cloud.test.ts', src).length, 1);
});

test('a room importing a room its row does not list is refused; an allowed one passes', () => {
  assert.match(violationsOf('sim/protocol/sign.ts', "import { WorldClock } from '../clock/index.ts';")[0]!.why, /sim\/protocol may not import values from sim\/clock/);
  assert.deepEqual(violationsOf('sim/lock/lock.ts', "import { WorldClock } from '../clock/index.ts';"), []);
  assert.equal(violationsOf('harness/targets/lab/session.ts', "import { LockLink } from '../../../sim/gateway/link.ts';").length, 1);
});

test('type arrows and value arrows are told apart: a row may allow a room\'s types and not its values', () => {
  assert.deepEqual(violationsOf('harness/targets/lab/session.ts', "import type { LockLink } from '../../../sim/gateway/link.ts';"), []);
  assert.deepEqual(violationsOf('harness/targets/lab/session.ts', "import { type LockLink } from '../../../sim/gateway/link.ts';"), []);
  assert.match(violationsOf('harness/targets/lab/session.ts', "import { RadioLink, type LockLink } from '../../../sim/gateway/link.ts';")[0]!.why, /may not import values from sim\/gateway/);
  assert.match(violationsOf('harness/targets/lab/session.ts', "import type { Cloud } from '../../../sim/cloud/cloud.ts';")[0]!.why, /may not import types from sim\/cloud/);
});

test('reporters may import types only', () => {
  assert.deepEqual(violationsOf('harness/report/x.ts', "import type { TestRecord } from '../targets/session.ts';"), []);
  assert.match(violationsOf('harness/report/x.ts', "import { openSession } from '../targets/open.ts';")[0]!.why, /types only/);
});

test('no room imports bin/ — not even its tests — and entry points may compose anything', () => {
  assert.match(violationsOf('harness/report/merge.check.ts', "import { playwrightCli } from '../../bin/cli.ts';")[0]!.why, /imports values from an entry point/);
  assert.match(violationsOf('sim/world/world.test.ts', "import type { Cli } from '../../bin/cli.ts';")[0]!.why, /imports types from an entry point/);
  assert.deepEqual(violationsOf('bin/sim.ts', "import { World } from '../sim/world/index.ts';"), []);
});

test('a re-export launders nothing: importing a file imports what it re-exports, and is judged so', () => {
  const arrows = arrowsOf(new Map([
    ['harness/targets/sim/session.ts', "import { World } from '../../../sim/world/index.ts';"],
    ['sim/world/index.ts', "export * from './world.ts';\nexport { VirtualLock } from '../lock/lock.ts';\nexport type { LockLink } from '../gateway/link.ts';"],
    ['sim/world/world.ts', ''],
  ]));
  const found = launderedOf(arrows);
  assert.deepEqual(found.map((v) => [v.file, v.imports]), [['harness/targets/sim/session.ts', 'sim/lock/lock.ts']]);
  assert.match(found[0]!.why, /may not import values from sim\/lock \(re-exported by sim\/world\/index\.ts\)/);
});

test('files that import each other in a circle fail, type imports included; a chain does not', () => {
  const circle = circleViolations(arrowsOf(new Map([
    ['sim/cloud/types.ts', "import type { CompensationOptions } from './compensations.ts';"],
    ['sim/cloud/compensations.ts', "import type { GatewayLink } from './gateway-rpc.ts';"],
    ['sim/cloud/gateway-rpc.ts', "import type { CloudStats } from './types.ts';"],
  ])));
  assert.equal(circle.length, 1);
  assert.match(circle[0]!.why, /circle: sim\/cloud\/compensations\.ts → sim\/cloud\/gateway-rpc\.ts → sim\/cloud\/types\.ts → sim\/cloud\/compensations\.ts$/);
  assert.deepEqual(circleViolations(arrowsOf(new Map([['a/x.ts', "import './y.ts';"], ['a/y.ts', "import './z.ts';"], ['a/z.ts', '']]))), []);
});

test('a file in no room is named, so a new room is added to the table first', () => {
  assert.match(violationsOf('sim/newroom/x.ts', '')[0]!.why, /in no room/);
});

test('imports are found in every form: multi-line, re-export, side effect, dynamic, type-only', () => {
  const src = [
    "import {\n  a,\n  b,\n} from './a.ts';",
    "export { c } from './c.ts';",
    "import './side.ts';",
    "const m = await import('./dyn.ts');",
    "import type { T } from './t.ts';",
    "import { type U, type V } from './u.ts';",
    "export type * from './w.ts';",
    "import { x } from 'node:fs';",
  ].join('\n');
  assert.deepEqual(importsOf(src), [
    { spec: './a.ts', typeOnly: false, reexport: false },
    { spec: './c.ts', typeOnly: false, reexport: true },
    { spec: './side.ts', typeOnly: false, reexport: false },
    { spec: './dyn.ts', typeOnly: false, reexport: false },
    { spec: './t.ts', typeOnly: true, reexport: false },
    { spec: './u.ts', typeOnly: true, reexport: false },
    { spec: './w.ts', typeOnly: true, reexport: true },
  ]);
});

test('a test kit is imported by tests and specs only, never by production code or an entry point', () => {
  const src = "import { FakeLock } from '../gateway/gateway.test-kit.ts';\n";
  assert.match(violationsOf('sim/world/world.ts', src)[0]!.why, /production code imports a test kit/);
  assert.match(violationsOf('bin/sim.ts', "import { setup } from '../sim/lock/lock.test-kit.ts';")[0]!.why, /test kit/);
  assert.deepEqual(violationsOf('sim/world/world.test.ts', src), []);
  assert.deepEqual(violationsOf('sim/world/other.test-kit.ts', src), []);
  assert.deepEqual(violationsOf('specs/envelope.spec.ts', "import { validFields } from './endpoint-bodies.test-kit.ts';"), []);
});

test('the rooms table is printed from bin/rooms.ts, and every printed copy is that table', () => {
  assert.deepEqual(staleCopies(), [], `run npm run docs:rooms (copies in ${PRINTED_IN.join(', ')})`);
  const table = roomsTable();
  assert.match(table, /^\| `sim\/protocol\/` \| .* \| nothing of ours \|$/m);
  assert.match(table, /^\| `harness\/targets\/lab\/` \| .*; types of `sim\/gateway`, `sim\/broker` \|$/m);
  const edited = `x\n${BEGIN}\n${table.replace('nothing of ours', 'sim/clock')}\n${END}\ny`;
  assert.notEqual(withTable(edited, table, 'doc'), edited, 'a hand-edited copy differs from the table');
  assert.throws(() => withTable('no markers', table, 'docs/architecture.md'), /docs\/architecture\.md: the rooms table markers are missing/);
});
