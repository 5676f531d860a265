/**
 * The station page's drawings in Debian's chromium, fed a known event stream through the real server (docs/evidence.md
 * §14): LAB-05's fit as a line with its ± band between the ± limit lines, and on sim each lock's clock against world
 * time. The live runs (station.check.ts, station-gateway.check.ts) cannot wait out LAB-05's 30 s window in CI; this
 * shows the page's script, with the pure functions it carries (page.ts fitOf, fitGeometry), working in a browser.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { verdict } from '../serial/clock-accuracy.ts';
import type { StationEvent } from './events.ts';
import { StationServer } from './server.ts';

const CHROMIUM = process.env.LOCKBENCH_CHROMIUM ?? '/usr/bin/chromium';
// The flags of harness/report/report-browser.check.ts.
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const T0 = Date.UTC(2026, 11, 7, 12, 0, 0);
const LAB05 = 'LAB-05 window: the device clock against the host clock without a sync';

/** A lab run: LAB-05 reads the device clock every second of its window, then annotates its fit. */
function labRun(ppm: number): StationEvent[] {
  const fit = verdict({ ppm, uncertaintyPpm: 35, intervalS: 30 }, 100).sentence;
  const reads: StationEvent[] = Array.from({ length: 31 }, (_, i) => ({
    type: 'wire', testId: 'lab5', startedAtMs: T0,
    entry: { ms: 1000 * i, kind: 'serial', summary: 'rx 7e …', detail: { type: 2, payload: { lock_time: T0 / 1000 + 3 + i } } },
  }));
  return [
    { type: 'run', target: 'lab', total: 1, startedAtMs: T0, operator: false },
    { type: 'test-begin', testId: 'lab5', title: 'the device clock keeps time', checks: ['LAB-05'], atMs: T0, ordinal: 1 },
    { type: 'wait', testId: 'lab5', what: LAB05, untilMs: T0 + 30_000, atMs: T0 },
    ...reads,
    { type: 'wait-end', testId: 'lab5', what: LAB05, atMs: T0 + 30_000 },
    { type: 'test-end', testId: 'lab5', status: ppm > 100 ? 'failed' : 'passed', checks: ['LAB-05'], atMs: T0 + 30_100 },
    { type: 'note', testId: 'lab5', what: 'clock accuracy', text: fit },
  ];
}

/** A sim run: two locks' events carry their lock_time, read at the world time they passed (lock 2 runs 90 s behind). */
const simRun: StationEvent[] = [
  { type: 'run', target: 'sim', total: 1, startedAtMs: T0, operator: false },
  { type: 'wire', testId: 's', startedAtMs: T0, entry: { ms: 5, world: 1_700_000_000, kind: 'mqtt', summary: 'kexin/v1/gw/7/event', detail: '{"event_id":1,"lock_id":1,"type":"unlock","lock_time":1700000002}' } },
  { type: 'wire', testId: 's', startedAtMs: T0, entry: { ms: 9, world: 1_700_000_010, kind: 'mqtt', summary: 'kexin/v1/gw/7/event', detail: '{"event_id":2,"lock_id":2,"type":"unlock","lock_time":1699999920}' } },
  // A command, its ack and the event it caused; then a keypad code on the same lock at once, and another seconds later: no command's.
  { type: 'wire', testId: 's', startedAtMs: T0, entry: { ms: 100, world: 1_700_000_020, kind: 'mqtt', summary: 'kexin/v1/gw/7/cmd', detail: '{"id":"c1","lock_id":1,"op":"unlock","args":{}}' } },
  { type: 'wire', testId: 's', startedAtMs: T0, entry: { ms: 112, world: 1_700_000_020, kind: 'mqtt', summary: 'kexin/v1/gw/7/ack', detail: '{"id":"c1","lock_id":1,"result":"ok","data":{}}' } },
  { type: 'wire', testId: 's', startedAtMs: T0, entry: { ms: 120, world: 1_700_000_020, kind: 'mqtt', summary: 'kexin/v1/gw/7/event', detail: '{"event_id":3,"lock_id":1,"type":"unlock","mode":3,"lock_time":1700000022}' } },
  { type: 'wire', testId: 's', startedAtMs: T0, entry: { ms: 900, world: 1_700_000_021, kind: 'mqtt', summary: 'kexin/v1/gw/7/event', detail: '{"event_id":4,"lock_id":1,"type":"unlock","mode":1,"lock_time":1700000023}' } },
  { type: 'wire', testId: 's', startedAtMs: T0, entry: { ms: 5000, world: 1_700_000_029, kind: 'mqtt', summary: 'kexin/v1/gw/7/event', detail: '{"event_id":9,"lock_id":3,"type":"unlock","mode":1,"lock_time":1e300}' } },
  { type: 'wire', testId: 's', startedAtMs: T0, entry: { ms: 6000, world: 1_700_000_030, kind: 'mqtt', summary: 'kexin/v1/gw/7/event', detail: '{"event_id":5,"lock_id":1,"type":"keypad","mode":1,"lock_time":1700000032}' } },
];

test('station page in chromium: LAB-05\'s fit drawn as a line, its ± band and the ± limits; on sim each lock\'s clock against world time', { timeout: 60_000, skip: !existsSync(CHROMIUM) && 'needs /usr/bin/chromium' }, async () => {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  const servers: StationServer[] = [];
  try {
    const serve = async (events: StationEvent[]): Promise<string> => {
      const s = await StationServer.start({ host: '127.0.0.1', port: 0, secrets: [], onAnswer: () => {} });
      servers.push(s);
      for (const e of events) s.publish(e);
      return s.url;
    };
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(await serve(labRun(-12).slice(0, -1)));
    await page.locator('#clock-plot[data-points="31"]').waitFor({ timeout: 10_000 });
    assert.equal(await page.locator('#fit-plot').isVisible(), false, 'no fit drawn before LAB-05 annotates one');
    for (const [ppm, within] of [[-12, true], [180, false]] as const) {
      await page.goto(await serve(labRun(ppm)));
      const line = page.locator('#fit-plot line.fit-line');
      await line.waitFor({ timeout: 10_000 });
      const [y1, y2] = await line.evaluate((l) => [Number(l.getAttribute('y1')), Number(l.getAttribute('y2'))]);
      assert.equal(y2 > y1, ppm < 0, `a device ${ppm < 0 ? 'losing' : 'gaining'} time is drawn ${ppm < 0 ? 'down' : 'up'}wards`);
      const limits = await page.locator('#fit-plot line.fit-limit').evaluateAll((ls) => ls.map((l) => Number(l.getAttribute('y1'))));
      assert.equal(limits.length, 2, 'the ± limit lines');
      const inside = y2 > Math.min(...limits) && y2 < Math.max(...limits);
      assert.equal(inside, within, `${ppm} ppm ${within ? 'inside' : 'beyond'} ±100 ppm`);
      assert.equal(await page.locator('#fit-plot polygon.fit-band').count(), 1, 'the ± uncertainty band');
      assert.match(await page.locator('#fit-plot').textContent() ?? '', new RegExp(`${ppm > 0 ? '\\+' : '-'}${Math.abs(ppm)}\\.0 ± 35\\.0 ppm \\(limit ±100 ppm`));
      assert.equal(Number(await page.locator('#clock-plot').getAttribute('data-points')), 31, 'every clock read on the plot');
      if (within) await page.screenshot({ path: join(tmpdir(), 'station-lab-fit.png') });
    }
    await page.goto(await serve(simRun));
    await page.locator('#locks tr[data-lock="2"]').waitFor({ timeout: 10_000 });
    const rows = await page.locator('#locks tr').evaluateAll((trs) => trs.map((tr) => tr.textContent));
    assert.deepEqual(rows, ['lock 12023-11-14T22:13:52Zlock − world 2.0 s', 'lock 22023-11-14T22:12:00Zlock − world -90.0 s']);
    assert.equal(await page.locator('#world').textContent(), '2023-11-14T22:13:50.000Z', 'world time');
    const panel = await page.locator('#gateway').textContent() ?? '';
    assert.match(panel, /unlock lock 1 → ack ok after 12 ms · events: unlock\n/, 'the command with its ack and the one event it caused');
    assert.match(panel, /events of no command \(keypad, …\): 5$/, 'the keypad events, at once and seconds later (and the three with no command of their lock), are no command\'s');
  } finally {
    await browser.close();
    for (const s of servers) await s.close();
  }
});
