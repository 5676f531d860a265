import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { importsOf, targetOf } from './import-graph.ts';
import { REPO_ROOT } from './rooms.ts';

/** Every file `file` loads at run time (value imports, followed through), repo-relative. */
function loadedBy(file: string): Set<string> {
  const seen = new Set<string>();
  const walk = (f: string): void => {
    if (seen.has(f)) return;
    seen.add(f);
    for (const { spec, typeOnly } of importsOf(readFileSync(`${REPO_ROOT}${f}`, 'utf8'))) if (!typeOnly) walk(targetOf(f, spec));
  };
  walk(file);
  return seen;
}

// DESIGN §13: the cloud's fixture-loader thread starts in the time its modules take to load; it needs the
// fixture's schema and the cloud's registry, and loading the world's code made its start-up ~2 s.
test('cloud-part.ts, the loader thread\'s code, loads the fixture schema and the registry but no world, cloud, lock or protocol index', () => {
  const loaded = loadedBy('bin/cloud-part.ts');
  assert.ok(loaded.has('sim/world/fixture.ts') && loaded.has('sim/cloud/lock-registry.ts'), [...loaded].join(', '));
  for (const heavy of ['sim/world/world.ts', 'sim/world/index.ts', 'sim/cloud/index.ts', 'sim/cloud/cloud.ts', 'sim/lock/index.ts', 'sim/protocol/index.ts']) {
    assert.ok(!loaded.has(heavy), `the loader thread loads ${heavy}: ${[...loaded].join(', ')}`);
  }
});
