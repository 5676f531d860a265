import assert from 'node:assert/strict';
import { test } from 'node:test';
import { freedomLines } from '../sim/variants/freedom.ts';
import { GATEWAY_FREEDOMS } from '../sim/variants/gateway.ts';
import { LOCK_FREEDOMS } from '../sim/variants/lock.ts';
import { checkCitations, citationsIn, docHeadings, problemsIn, sectionsOf, slugOf } from './citations.ts';
import { pointersInto } from './doc-sections.ts';

// docs/README.md: "DESIGN §N" anywhere in the repository means the section headed §N under docs/.

test('every DESIGN § citation, docs/ link and docs/ pointer of the tracked files resolves', () => {
  assert.deepEqual(checkCitations().map((p) => `${p.file}:${p.line}: ${p.why}`), []);
});

test('docs/ heads every section DESIGN numbers, §1…§14 with §3.1–§3.4 and §5.1–§5.6', () => {
  const want = [...Array.from({ length: 14 }, (_, i) => String(i + 1)), '3.1', '3.2', '3.3', '3.4', '5.1', '5.2', '5.3', '5.4', '5.5', '5.6'];
  assert.deepEqual([...sectionsOf(docHeadings()).keys()].sort(), want.sort());
});

test('a citation of a section no heading carries fails, with its file and line', () => {
  const problems = problemsIn('sim/x.ts', '// fine: DESIGN §6\n// made up: DESIGN §99 step 2\n', docHeadings());
  assert.deepEqual(problems, [{ file: 'sim/x.ts', line: 2, why: 'cites DESIGN §99, which no heading under docs/ carries' }]);
});

test('chained citations are each checked: "§4, §13", "§4/§12", "§4–§6", "§5.4 and §6"', () => {
  assert.deepEqual(citationsIn('DESIGN §4, §13; DESIGN §4/§12 and DESIGN §4–§6\nDESIGN §5.4 and §6.9').map((c) => `${c.line}:${c.section}`),
    ['1:4', '1:13', '1:4', '1:12', '1:4', '1:6', '2:5.4', '2:6.9']);
  assert.match(problemsIn('a.ts', 'DESIGN §5.4 and §6.9', docHeadings())[0]!.why, /§6\.9/);
});

test('links and pointers into docs/ name a file, heading and section that exist', () => {
  const h = docHeadings();
  assert.deepEqual(problemsIn('README.md', '[DESIGN §6](docs/lockwire.md#6-lockwire)', h), []);
  assert.match(problemsIn('README.md', '[DESIGN §6](docs/lockwire.md#6-lockwir)', h)[0]!.why, /no heading of docs\/lockwire\.md makes/);
  assert.match(problemsIn('bin/x.ts', "about: 'see docs/lockwire.md §4'", h)[0]!.why, /docs\/lockwire\.md does not hold/);
  assert.match(problemsIn('bin/x.ts', "about: 'see docs/wire.md §6'", h)[0]!.why, /docs\/wire\.md, which does not exist/);
  assert.match(problemsIn('docs/a.md', 'see [§6](lockwire.md#6-wire)', h)[0]!.why, /no heading/);
});

test('the README links its citations and a command\'s help points into docs/; comments keep "DESIGN §N"', () => {
  const h = docHeadings();
  assert.match(problemsIn('README.md', 'as DESIGN §6 says', h)[0]!.why, /a bare "DESIGN §6"/);
  assert.match(problemsIn('bin/sim.ts', "  about: 'Start a world (DESIGN §8)',", h)[0]!.why, /a bare "DESIGN §8"/);
  assert.deepEqual(problemsIn('bin/sim.ts', '/** A world (DESIGN §8). */\n// DESIGN §2\n', h), []);
});

test('GitHub anchors: punctuation dropped, spaces to hyphens', () => {
  assert.equal(slugOf("§3 The cloud's third-party HTTP API"), '3-the-clouds-third-party-http-api');
  assert.equal(slugOf('§5.4 Keypad lockout, battery'), '54-keypad-lockout-battery');
  assert.equal(slugOf('§14 Evidence (reports)'), '14-evidence-reports');
});

test('help texts built from the freedom tables point into docs/ and the pointers resolve', () => {
  const lines = [...freedomLines(LOCK_FREEDOMS), ...freedomLines(GATEWAY_FREEDOMS)];
  assert.ok(lines.some((l) => /DESIGN §\d/.test(l)), 'the tables cite DESIGN');
  const shown = lines.map((l) => pointersInto(l)).join('\n');
  assert.doesNotMatch(shown, /DESIGN §\d/);
  assert.match(shown, /docs\/lockwire\.md §6/);
  assert.deepEqual(problemsIn('bin/serial-lock.ts', shown, docHeadings()), []);
  assert.equal(pointersInto('DESIGN §4/§12 and DESIGN §5.4, §5.6'), 'docs/mqtt-gateway.md §4/docs/gateway-target.md §12 and docs/algorithms.md §5.4, §5.6');
});
