import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  checkDefects, DEFECT_NAMES, DEFECTS, defectsOfRoom, isDefectName, parseDefectList, roomDefects, UnknownDefectError, wrapStep,
  type DefectName, type DefectRoom,
} from './defects.ts';

const ROOMS: readonly DefectRoom[] = ['lock', 'gateway', 'broker', 'cloud', 'serial-lock', 'serial-link'];

test('every defect belongs to exactly one room and says what it breaks', () => {
  assert.deepEqual(ROOMS.flatMap((r) => defectsOfRoom(r)).sort(), [...DEFECT_NAMES].sort());
  for (const n of DEFECT_NAMES) assert.ok(DEFECTS[n].what.length > 10, n);
  assert.deepEqual(defectsOfRoom('serial-link'), ['link-retransmit-new-seq']);
});

test('an unknown name is refused with one error type naming where it came from', () => {
  assert.ok(!isDefectName('toString'), 'no inherited key is a defect');
  assert.deepEqual(checkDefects(['lock-no-lockout', 'cloud-seq-reuse'], (i) => `$.defects[${i}]`), ['lock-no-lockout', 'cloud-seq-reuse']);
  assert.throws(() => checkDefects(['lock-no-lockout', 'lock-typo'], (i) => `$.defects[${i}]`), (err: unknown) => {
    assert.ok(err instanceof UnknownDefectError);
    assert.equal(err.where, '$.defects[1]');
    assert.equal(err.defect, 'lock-typo');
    assert.match(err.message, /^\$\.defects\[1\]: unknown defect "lock-typo" \(known: lock-slot-end-inclusive, /);
    return true;
  });
});

test('a list for some rooms refuses another room\u2019s defect, naming the flag and the room', () => {
  assert.deepEqual(parseDefectList(' lock-no-lockout , serial-no-cache,', '--defects', ['lock', 'serial-lock']), ['lock-no-lockout', 'serial-no-cache']);
  assert.deepEqual(parseDefectList('', '--defects'), []);
  assert.throws(() => parseDefectList('gateway-no-will', '--defects', ['lock', 'serial-lock']),
    /^UnknownDefectError: --defects: defect "gateway-no-will" acts in the gateway room; this input seeds lock, serial-lock/);
  assert.throws(() => parseDefectList('link-typo', 'LOCKBENCH_LINK_DEFECTS', ['serial-link']),
    /^UnknownDefectError: LOCKBENCH_LINK_DEFECTS: unknown defect "link-typo" \(known: link-retransmit-new-seq\)$/);
});

test('a room\u2019s predicate sees only its own defects and ignores other rooms\u2019 names', () => {
  const names = ['lock-no-lockout', 'gateway-no-will', 'broker-anonymous'];
  assert.equal(roomDefects('lock', names).has('lock-no-lockout'), true);
  assert.equal(roomDefects('lock', names).has('lock-accepts-replay'), false);
  assert.equal(roomDefects('gateway', names).has('gateway-no-will'), true);
  assert.equal(roomDefects('cloud', names).has('cloud-seq-reuse'), false);
  assert.equal(roomDefects('broker').has('broker-anonymous'), false);
  // @ts-expect-error a room asks only for its own names: the lock cannot ask for a gateway defect.
  assert.equal(roomDefects('lock', names).has('gateway-no-will'), false);
  assert.throws(() => roomDefects('cloud', ['cloud-sign-uppercas'], 'CloudOptions.defects'), /CloudOptions\.defects\[0\]: unknown defect "cloud-sign-uppercas"/);
});

/** Production TypeScript files under `dir` (tests, test kits, checks and specs are not where a defect acts). */
function productionFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !/\.(test|test-kit|check|spec)\.ts$/.test(f))
    .map((f) => join(dir, f));
}

/**
 * Where each defect is written as a quoted name in the simulator and the harness, besides the
 * registry and the catalogue. Runners that merely choose defects to run live in `bin/`.
 */
function sitesOf(): Map<DefectName, string[]> {
  const sites = new Map<DefectName, string[]>(DEFECT_NAMES.map((n) => [n, []]));
  const skip = new Set([join('sim', 'defects.ts'), join('harness', 'defects', 'catalogue.ts')]);
  for (const file of [...productionFiles('sim'), ...productionFiles('harness')].filter((f) => !skip.has(f))) {
    const source = readFileSync(file, 'utf8');
    for (const n of DEFECT_NAMES) {
      const count = source.split(`'${n}'`).length - 1;
      for (let i = 0; i < count; i++) sites.get(n)!.push(file);
    }
  }
  return sites;
}

test('each defect acts in one place: its name is written once, in one production file (sim/defects.ts)', () => {
  const sites = sitesOf();
  const notOnce = DEFECT_NAMES.filter((n) => sites.get(n)!.length !== 1).map((n) => `${n}: ${sites.get(n)!.join(', ') || 'nowhere'}`);
  assert.deepEqual(notOnce, []);
  // Each room's defects act in that room's own files (the serial link is the harness's).
  for (const n of DEFECT_NAMES) {
    const [file] = sites.get(n)!;
    const room = DEFECTS[n].room;
    assert.ok(file!.startsWith(room === 'serial-link' ? join('harness', 'serial') : join('sim', room)), `${n} acts in ${file}, outside the ${room} room`);
  }
});

test('a wrapped step replaces the contract for that instance only, also for the part\u2019s own calls', () => {
  class Part {
    limit(): number {
      return 5;
    }
    reached(n: number): boolean {
      return n >= this.limit();
    }
  }
  const seeded = new Part();
  const clean = new Part();
  const seen: number[] = [];
  wrapStep(seeded, 'limit', (contract) => () => {
    seen.push(contract());
    return contract() + 1;
  });
  assert.equal(seeded.reached(5), false, 'the part\u2019s own call goes through the wrapped step');
  assert.equal(seeded.reached(6), true);
  assert.deepEqual(seen, [5, 5], 'the wrapper gets the contract step, bound to the part');
  assert.equal(clean.reached(5), true, 'another instance keeps the contract');
});
