import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pool, sweepSeeds, sweepTable, variantLine, type SweepRow } from './gateway-sweep.ts';
import { chooseVariant } from './gateway-variant.ts';

// A sweep is replayed by its sweep seed; a row by its variant seed alone.

test('the same sweep seed draws the same variant seeds; another seed draws others', () => {
  assert.deepEqual(sweepSeeds(1, 5), sweepSeeds(1, 5));
  assert.deepEqual(sweepSeeds(1, 3), sweepSeeds(1, 5).slice(0, 3), 'a longer sweep starts with the shorter one');
  assert.notDeepEqual(sweepSeeds(1, 5), sweepSeeds(2, 5));
  assert.equal(new Set(sweepSeeds(7, 50)).size, 50);
});

test('a row\'s variant line is what `npm run gateway -- --variant SEED` prints', () => {
  const seed = sweepSeeds(3, 1)[0]!;
  const chosen = chooseVariant({ variant: String(seed), reconnectMs: 200 });
  assert.ok(!('error' in chosen));
  assert.equal(chosen.line, `variant ${seed}: ${variantLine(seed)}`);
});

test('the table: a header, one line per variant with its seed, verdict and failing checks', () => {
  const rows: SweepRow[] = [
    { seed: 17, variant: 'event-ids=per-gateway', verdict: 'pass', failing: [], problems: [], seconds: 20 },
    { seed: 4000000000, variant: 'event-ids=per-connection', verdict: 'FAIL', failing: ['GWP-05'], problems: ['x'], seconds: 31 },
  ];
  const lines = sweepTable(rows).split('\n');
  assert.equal(lines.length, 3);
  assert.match(lines[0]!, /^seed\s+verdict\s+failing\s+s\s+variant$/);
  assert.match(lines[1]!, /^17\s+pass\s+-\s+20\s+event-ids=per-gateway$/);
  assert.match(lines[2]!, /^4000000000\s+FAIL\s+GWP-05\s+31\s+event-ids=per-connection$/);
});

test('pool: every item once, at most `jobs` at once, results in the items\' order whatever order they end in', async () => {
  let running = 0;
  let most = 0;
  const seen: number[] = [];
  const results = await pool([30, 5, 20, 1, 10, 2, 0], 3, async (ms) => {
    running += 1;
    most = Math.max(most, running);
    seen.push(ms);
    await new Promise((r) => setTimeout(r, ms));
    running -= 1;
    return ms * 2;
  });
  assert.deepEqual(results, [60, 10, 40, 2, 20, 4, 0]);
  assert.deepEqual([...seen].sort((a, b) => a - b), [0, 1, 2, 5, 10, 20, 30]);
  assert.equal(most, 3);
  assert.deepEqual(await pool([], 3, async () => 1), []);
});
