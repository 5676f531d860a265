/**
 * Looks at the reports as a person would, in Debian's chromium (issue 3): the conformance matrix
 * shows every check of the test plan, and a deliberately failing run (a world seeded with a defect)
 * shows the failing test's wire log in Playwright's HTML report. Run after `npm run conformance`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from '@playwright/test';
import { CHECKS } from './checks.ts';

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
    assert.deepEqual(rows, CHECKS.map((c) => c.id));
    const simCells = await page.locator('td[data-column^="sim"]').count();
    assert.ok(simCells >= CHECKS.length, `sim cells: ${simCells}`);
    const failing = await page.locator('td.fail[data-column^="sim"]').count();
    assert.equal(failing, 0, 'the clean world fails no check');
    await page.screenshot({ path: 'reports/conformance.png', fullPage: true });
  });
});

test('a deliberately failing run shows its wire log in the HTML report', async () => {
  const out = 'reports/failing-demo';
  rmSync(out, { recursive: true, force: true });
  // No AP must be 362; a cloud seeded with `cloud-360-for-362` answers 360, so GW-02 fails.
  const run = spawnSync(process.execPath, ['node_modules/@playwright/test/cli.js', 'test', 'specs/gateway.spec.ts', '--grep', '@GW-02', '--project', 'sim · kexin-2017-03', '--reporter', 'html'], {
    env: { ...process.env, LOCKBENCH_DEFECTS: 'cloud-360-for-362', LOCKBENCH_REPORTS: out, LOCKBENCH_MATRIX_DIR: out, PLAYWRIGHT_HTML_OPEN: 'never', PLAYWRIGHT_HTML_OUTPUT_DIR: `${out}/html` },
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.notEqual(run.status, 0, `the seeded run must fail:\n${run.stdout}\n${run.stderr}`);
  await withBrowser(async (browser) => {
    const page = await browser.newPage();
    await page.goto(pathToFileURL(resolve(`${out}/html/index.html`)).href);
    await page.getByText(/behind no gateway/).first().click({ timeout: 10_000 });
    const attachment = page.getByText('wire.log').first();
    await attachment.waitFor({ timeout: 10_000 });
    await attachment.click();
    await page.getByText(/\/third\/lock\/open → /).first().waitFor({ timeout: 10_000 });
    await page.screenshot({ path: `${out}/failing-test.png`, fullPage: true });
  });
});
