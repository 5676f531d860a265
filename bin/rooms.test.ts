import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkTree, importsOf, violationsOf } from './rooms.ts';

// DESIGN §1: the rooms and their allowed imports, checked over the whole tree (STYLE §11).

test('every import of the tree follows DESIGN §1', () => {
  const found = checkTree(process.cwd());
  assert.deepEqual(found.map((v) => `${v.file} → ${v.imports}: ${v.why}`), []);
});

test('the simulator importing the harness is refused, in code and in tests', () => {
  const src = "import { ApiClient } from '../../harness/client/api-client.ts';\n";
  assert.equal(violationsOf('sim/cloud/cloud.ts', src).length, 1);
  assert.equal(violationsOf('sim/cloud/cloud.test.ts', src).length, 1);
});

test('a room importing a room its row does not list is refused; an allowed one passes', () => {
  assert.match(violationsOf('sim/protocol/sign.ts', "import { WorldClock } from '../clock/index.ts';")[0]!.why, /sim\/protocol may not import sim\/clock/);
  assert.deepEqual(violationsOf('sim/lock/lock.ts', "import { WorldClock } from '../clock/index.ts';"), []);
  assert.equal(violationsOf('harness/targets/lab.ts', "import type { LockLink } from '../../sim/gateway/link.ts';").length, 1);
});

test('reporters may import types only', () => {
  assert.deepEqual(violationsOf('harness/report/x.ts', "import type { TestRecord } from '../targets/session.ts';"), []);
  assert.equal(violationsOf('harness/report/x.ts', "import { openSession } from '../targets/open.ts';").length, 1);
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
    "import { x } from 'node:fs';",
  ].join('\n');
  assert.deepEqual(importsOf(src), [
    { spec: './a.ts', typeOnly: false },
    { spec: './c.ts', typeOnly: false },
    { spec: './side.ts', typeOnly: false },
    { spec: './dyn.ts', typeOnly: false },
    { spec: './t.ts', typeOnly: true },
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
