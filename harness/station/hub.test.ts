/**
 * The station hub (docs/evidence.md §14 `--station`): it tails every feed of the station folder — lines split
 * across writes, a line that is not JSON skipped without stopping the run — draws the current test's wire
 * timeline, and turns the terminal's Enter into the answer file of the oldest open prompt.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StationEvent } from './events.ts';
import { answerFile } from './feed.ts';
import { StationHub } from './hub.ts';

const fetchText = (url: string): Promise<string> => new Promise((resolve, reject) => {
  get(url, (r) => { let t = ''; r.on('data', (d: Buffer) => { t += d; }); r.on('end', () => resolve(t)); }).on('error', reject);
});
const line = (e: StationEvent): string => `${JSON.stringify(e)}\n`;

test('feeds tailed in pieces, a bad line skipped, the timeline drawn, Enter answers the oldest prompt', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lockbench-hub-'));
  const hub = await StationHub.start({ dir, host: '127.0.0.1', port: 0, env: {} });
  try {
    const begin = line({ type: 'test-begin', testId: 't1', title: 'a test', checks: ['LAB-04'], atMs: 1, ordinal: 1 });
    appendFileSync(join(dir, 'feed-1.ndjson'), begin.slice(0, 20));
    hub.drain();
    appendFileSync(join(dir, 'feed-1.ndjson'), `${begin.slice(20)}not json\n`);
    appendFileSync(join(dir, 'feed-2.ndjson'), line({ type: 'wire', testId: 't1', startedAtMs: 1, entry: { ms: 3, kind: 'serial', summary: 'tx 7e0102', detail: { seq: 2 } } }));
    appendFileSync(join(dir, 'feed-2.ndjson'), line({ type: 'prompt', promptId: 'p1', testId: 't1', instruction: 'Unplug it.', untilMs: 9, atMs: 2 }));
    hub.drain();
    appendFileSync(join(dir, 'feed-1.ndjson'), line({ type: 'test-end', testId: 't1', status: 'passed', checks: ['LAB-04'], atMs: 5 }));
    hub.drain();
    const stream = await new Promise<string>((resolve) => {
      get(`${hub.url}events`, (r) => {
        let t = '';
        r.on('data', (d: Buffer) => {
          t += d;
          if (/"type":"sequence"/.test(t)) { r.destroy(); resolve(t); }
        });
      });
    });
    assert.match(stream, /"type":"test-begin".*"type":"wire".*"type":"prompt".*"type":"test-end".*"type":"sequence"/s, 'every event once, the split line whole, the bad one skipped');
    assert.match(await fetchText(`${hub.url}timeline`), /tx 7e0102/, 'the current test\'s timeline holds its wire entry');
    assert.equal(hub.answerOldest(), true);
    assert.deepEqual(JSON.parse(readFileSync(answerFile(dir, 'p1'), 'utf8')), { answer: 'done' });
    assert.equal(existsSync(`${answerFile(dir, 'p1')}.part`), false, 'renamed into place whole');
  } finally {
    await hub.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
