/** When `conformance` serves the station page without being told (docs/evidence.md §14 `--station`). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stationWanted, type StationAsk } from './station-wanted.ts';

const at = (o: Partial<StationAsk>): boolean => stationWanted({ station: undefined, operator: false, target: 'lab', isTTY: true, ci: undefined, ...o });

test('on by default for lab and gateway at a terminal; off on sim and remote, in CI, and into a pipe', () => {
  assert.equal(at({ target: 'lab' }), true);
  assert.equal(at({ target: 'gateway' }), true);
  assert.equal(at({ target: 'sim' }), false);
  assert.equal(at({ target: 'remote' }), false);
  assert.equal(at({ ci: 'true' }), false, 'a CI job');
  assert.equal(at({ ci: '' }), true, 'CI set but empty is no CI job');
  assert.equal(at({ isTTY: false }), false, 'stdout into a pipe or a file');
});

test('the flags win over the default; --operator turns the page on anywhere', () => {
  assert.equal(at({ station: true, target: 'sim', isTTY: false, ci: '1' }), true);
  assert.equal(at({ station: false }), false);
  assert.equal(at({ operator: true, target: 'sim', isTTY: false, ci: '1' }), true);
});
