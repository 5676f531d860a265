/**
 * Looks at the reports as a person would, in Debian's chromium (DESIGN §9 Reports, §14): the conformance matrix
 * shows every check of the test plan, and a deliberately failing run (a world seeded with a defect) shows the
 * failing test's wire log in Playwright's HTML report, JUnit and the matrix, and its sequence diagram renders
 * its wire log — also at 500 messages (DESIGN §14: a diagram a person can open). Run after `npm run
 * conformance`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from '@playwright/test';
import { playwrightCli } from './playwright-cli.ts';
import { WireLog } from '../client/wire-log.ts';
import { CHECKS } from './checks.ts';
import { sequenceHtml } from './sequence-html.ts';
import { messageOf } from './sequence-model.ts';

const CHROMIUM = process.env.LOCKBENCH_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

async function withBrowser(f: (b: Browser) => Promise<void>): Promise<void> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  try {
    await f(browser);
  } finally {
    await browser.close();
  }
}

test('the conformance matrix shows every check of the test plan', { skip: !existsSync('reports/conformance.html') && 'run npm run conformance first' }, async () => {
  await withBrowser(async (browser) => {
    const page = await browser.newPage();
    await page.goto(pathToFileURL(resolve('reports/conformance.html')).href);
    const rows = await page.locator('#matrix tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-check')));
    // Lockbench's plan, in order; a team's rows may follow (npm test's sim run is the package's consumer check).
    assert.deepEqual(rows.slice(0, CHECKS.length), CHECKS.map((c) => c.id));
    const simCells = await page.locator('td[data-column^="sim"]').count();
    assert.ok(simCells >= CHECKS.length, `sim cells: ${simCells}`);
    const failing = await page.locator('td.fail[data-column^="sim"]').count();
    assert.equal(failing, 0, 'the clean world fails no check');
    await page.screenshot({ path: 'reports/conformance.png', fullPage: true });
  });
});

/** The failing demo run (a world seeded with a defect), shared by the checks that read its evidence. */
const DEMO = 'reports/failing-demo';
let demoRun: ReturnType<typeof spawnSync> | undefined;
function failingDemo(): ReturnType<typeof spawnSync> {
  if (demoRun) return demoRun;
  rmSync(DEMO, { recursive: true, force: true });
  // No AP must be 362; a cloud seeded with `cloud-360-for-362` answers 360, so GW-02 fails. The
  // config's own reporters write the HTML report, JUnit and matrix under DEMO.
  demoRun = spawnSync(process.execPath, [playwrightCli(), 'test', 'specs/gateway.spec.ts', '--grep', '@GW-02', '--project', 'sim · kexin-2017-03'], {
    env: { ...process.env, LOCKBENCH_DEFECTS: 'cloud-360-for-362', LOCKBENCH_REPORTS: DEMO, LOCKBENCH_MATRIX_DIR: DEMO, LOCKBENCH_SEED: '4242' },
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.notEqual(demoRun.status, 0, `the seeded run must fail:\n${demoRun.stdout}\n${demoRun.stderr}`);
  return demoRun;
}

/** Entries of a wire.log file: its `[+… ms …]` lines. */
const logEntries = (text: string): string[] => text.split('\n').filter((l) => l.startsWith('[+'));

test('a failing run: JUnit names carry the check ID and point at the whole wire log; the seed is printed', () => {
  const run = failingDemo();
  assert.match(String(run.stdout), /lockbench: seed 4242/);
  const junit = readFileSync(`${DEMO}/junit.xml`, 'utf8');
  const names = [...junit.matchAll(/<testcase name="([^"]*)"/g)].map((m) => m[1]!);
  assert.ok(names.length >= 2 && names.every((n) => n.endsWith(' @GW-02')), names.join('\n'));
  // DESIGN §14: each name carries its project, so the two profiles' cases never share a name.
  assert.ok(names.every((n) => n.startsWith('[sim · kexin-2017-03] ')), names.join('\n'));
  const failing = junit.slice(junit.indexOf('<testcase name="[sim · kexin-2017-03] a lock behind no gateway'));
  const logRef = /\[\[ATTACHMENT\|([^\]]*wire-log[^\]]*)\]\]/.exec(failing)?.[1];
  assert.ok(logRef, 'the failing test case links its wire.log');
  const log = readFileSync(resolve(DEMO, logRef), 'utf8');
  assert.match(log, /^# seed 4242 \(replay: LOCKBENCH_SEED=4242\)/m);
  assert.ok(logEntries(log).length >= 1, log);
  assert.match(log, /POST \/third\/lock\/open → 200 code 360/);
  assert.match(failing, /<property name="seed" value="LOCKBENCH_SEED=4242">/);
});

test('a failing run shows its wire log and its sequence diagram from the HTML report and the matrix', async () => {
  failingDemo();
  await withBrowser(async (browser) => {
    const page = await browser.newPage();
    await page.goto(pathToFileURL(resolve(`${DEMO}/html/index.html`)).href);
    await page.getByText(/behind no gateway/).first().click({ timeout: 10_000 });
    // The report links the diagram (an attachment of the test).
    const fromReport = await page.locator('a', { hasText: 'sequence.html' }).first().getAttribute('href', { timeout: 10_000 });
    assert.ok(fromReport, 'the HTML report links sequence.html');
    const attachment = page.getByText('wire.log').first();
    await attachment.waitFor({ timeout: 10_000 });
    await attachment.click();
    await page.getByText(/\/third\/lock\/open → /).first().waitFor({ timeout: 10_000 });
    await page.screenshot({ path: `${DEMO}/failing-test.png`, fullPage: true });
    await page.goto(new URL(fromReport, page.url()).href);
    assert.ok((await page.locator('#sequence g.msg').count()) >= 1, 'the diagram from the HTML report draws the log');

    // The matrix cell of GW-02 links the diagram; its arrows are the wire log's entries, in order.
    await page.goto(pathToFileURL(resolve(`${DEMO}/conformance.html`)).href);
    const link = page.locator('tr[data-check="GW-02"] td.fail a.sequence').first();
    const href = await link.getAttribute('href');
    assert.ok(href, 'the failing GW-02 cell links a sequence diagram');
    await page.goto(new URL(href, page.url()).href);
    const log = readdirSync(resolve('test-results/sim-cloud-360-for-362'), { recursive: true, encoding: 'utf8' }).find((f) => f.includes('behind-no-gateway') && f.endsWith('wire.log'));
    assert.ok(log, 'the failing test left wire.log in its output dir');
    const entries = logEntries(readFileSync(resolve('test-results/sim-cloud-360-for-362', log), 'utf8'));
    const arrows = await page.locator('#sequence g.msg').evaluateAll((gs) => gs.map((g) => `${g.getAttribute('data-index')} ${g.getAttribute('data-kind')}`));
    assert.deepEqual(arrows, entries.map((e, i) => `${i} ${/ms(?: W \S+)?\] (\w+)/.exec(e)?.[1]}`));
    await page.screenshot({ path: `${DEMO}/sequence.png`, fullPage: true });
  });
});

test('a 500-message sequence diagram stays readable: one arrow per entry in order, no overlapping text, the page scrolls', async () => {
  const wire = new WireLog();
  let w = 1_700_000_000;
  wire.useWorldClock(() => w);
  const kinds = ['http', 'mqtt', 'mqtt', 'serial', 'serial', 'mqtt', 'push', 'control'] as const;
  for (let i = 0; i < 500; i++) {
    const k = kinds[i % kinds.length]!;
    w += 0.25;
    const summary = k === 'http' ? `POST /third/lock/open → 200 code 200 ${'x'.repeat(i % 90)}` : k === 'mqtt' ? `kexin/v1/gw/1000002/${['cmd', 'ack', 'event'][i % 3]}` : k === 'serial' ? `${i % 2 ? 'rx' : 'tx'} 7e0102${'ab'.repeat(40)}7e` : k === 'push' ? '→ app_test type 2' : 'POST /clock → 200';
    wire.add(k, summary, { n: i, note: '张三 '.repeat(i % 7), long: 'y'.repeat(400) });
  }
  const file = resolve('reports/sequence-500.html');
  mkdirSync('reports', { recursive: true });
  writeFileSync(file, sequenceHtml({ title: 'synthetic 500-message log', header: { seed: 7, target: 'sim' }, startedAt: wire.startedAt, entries: wire.entries }));
  await withBrowser(async (browser) => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(pathToFileURL(file).href);
    const arrows = await page.locator('#sequence g.msg').evaluateAll((gs) => gs.map((g) => [Number(g.getAttribute('data-index')), g.getAttribute('data-from'), g.getAttribute('data-to')]));
    assert.deepEqual(arrows, wire.entries.map((e, i) => [i, messageOf(e, i).from, messageOf(e, i).to]));
    const layout = await page.evaluate(() => {
      const svg = document.querySelector('#sequence') as SVGSVGElement;
      const box = svg.getBoundingClientRect();
      const texts = [...svg.querySelectorAll('g.msg text')].map((t) => t.getBoundingClientRect()).filter((r) => r.width > 0);
      const overlaps: number[] = [];
      const byTop = [...texts].sort((a, b) => a.top - b.top);
      for (let i = 0; i < byTop.length; i++) {
        for (let j = i + 1; j < byTop.length && byTop[j]!.top < byTop[i]!.bottom; j++) {
          const a = byTop[i]!;
          const b = byTop[j]!;
          if (a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5) overlaps.push(i);
        }
      }
      const outside = texts.filter((r) => r.right > box.right + 0.5 || r.left < box.left - 0.5).length;
      return { texts: texts.length, overlaps: overlaps.length, outside, scroll: document.documentElement.scrollHeight, view: window.innerHeight, arrowsDrawn: svg.querySelectorAll('g.msg line.arrow').length };
    });
    assert.equal(layout.arrowsDrawn, 500);
    assert.ok(layout.texts >= 500 * 3, `texts: ${layout.texts}`);
    assert.equal(layout.overlaps, 0, 'no two texts overlap');
    assert.equal(layout.outside, 0, 'no text runs past the diagram');
    assert.ok(layout.scroll > layout.view * 10, `the page scrolls (${layout.scroll} px of ${layout.view})`);
    // Hovering shows the whole payload: the <title> of a message holds what the row had to cut.
    const title = await page.locator('#sequence g.msg[data-index="8"] > title').textContent();
    assert.match(title ?? '', /"long":"y{400}"/);
    await page.screenshot({ path: 'reports/sequence-500.png' });
  });
});
