import { test } from 'node:test';
import assert from 'node:assert/strict';
import { strangerProblems } from './gateway-runs.ts';

// conformance:gateway's stranger run (issue "a device under test is untrusted", done-when): it holds only
// if the stranger was refused throughout, let in never, and the host said so apart from the verdict.

const LINE = 'gateway target: the broker refused 812 CONNECT(s) of clients that never authenticated (not gw:1000002\'s verdict; 3 slowed); latest: …';
const hammered = { attempts: 820, refused: 812, accepted: 0, unanswered: 8, offeringGateway: 410 };

test('a stranger run passes only when refused throughout, never let in, and reported apart', () => {
  assert.deepEqual(strangerProblems(hammered, `…\n${LINE}\n…`), []);
  assert.match(strangerProblems({ ...hammered, accepted: 1 }, LINE).join(), /let the stranger in 1×/);
  assert.match(strangerProblems({ ...hammered, refused: 0 }, LINE).join(), /never refused/);
  assert.match(strangerProblems(hammered, 'no such line').join(), /did not report the strangers' refusals apart/);
});
