/**
 * Operator prompts (docs/evidence.md §14 `--operator`): without a person a check skips saying why; with one,
 * "done" (the file the hub renames into place) or a timeout is the answer, and both go into the wire log.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WireLog } from '../client/wire-log.ts';
import { answerFile } from './feed.ts';
import { operatorOf, type OperatorHooks } from './operator.ts';

class Skipped extends Error {}

function hooks(wire: WireLog, notes: string[]): OperatorHooks {
  return { testId: 't1', wire, annotate: (d) => notes.push(d), skip: (reason) => { throw new Skipped(reason); } };
}

test('without --operator a check that needs a person skips, saying what would run it', async () => {
  const op = operatorOf(hooks(new WireLog(), []), false);
  await assert.rejects(op.ask('x', 'Press the button.'), (e: Error) => e instanceof Skipped && /run with --operator to be asked "Press the button\."/.test(e.message));
  assert.throws(() => op.bench('the cable'), (e: Error) => e instanceof Skipped && /LOCKBENCH_BENCH_CONTROL\) or a person at the bench \(--operator\)/.test(e.message));
  assert.throws(() => op.power('gateway 7'), (e: Error) => e instanceof Skipped && /a person at the bench \(--operator\) to switch gateway 7 off and on/.test(e.message));
});

test('with --operator: "done" answers the prompt, silence times out; both are in the wire log and the annotations', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lockbench-op-'));
  const before = process.env.LOCKBENCH_STATION_DIR;
  process.env.LOCKBENCH_STATION_DIR = dir;
  try {
    const wire = new WireLog();
    const notes: string[] = [];
    const op = operatorOf(hooks(wire, notes), true);
    const asked = op.ask('unplug', 'Unplug the cable.', 5000);
    // What the hub does on "done": the answer renamed into place whole.
    const file = answerFile(dir, 't1-unplug');
    writeFileSync(`${file}.part`, '{"answer":"done"}\n');
    renameSync(`${file}.part`, file);
    await asked;
    assert.match(notes[0]!, /^Unplug the cable\.: done after \d+ ms$/);
    await assert.rejects(op.ask('replug', 'Plug it back.', 200), /did not press "done" within 200 ms/);
    assert.match(notes[1]!, /^Plug it back\.: timeout after \d+ ms$/);
    assert.deepEqual(wire.entries.map((e) => e.summary.replace(/\d+ ms/, 'N ms')), [
      'operator asked: Unplug the cable.', 'operator answered done after N ms', 'operator asked: Plug it back.', 'operator answered timeout after N ms',
    ]);
    const feed = readdirSync(dir).find((f) => f.startsWith('feed-'))!;
    assert.match(readFileSync(join(dir, feed), 'utf8'), /"type":"prompt".*\n.*"type":"prompt-end","promptId":"t1-unplug","answer":"done"/, 'the page is told of the prompt and its answer');
  } finally {
    if (before === undefined) delete process.env.LOCKBENCH_STATION_DIR;
    else process.env.LOCKBENCH_STATION_DIR = before;
    rmSync(dir, { recursive: true, force: true });
  }
});
