/**
 * The station page as a person at the bench sees it (docs/evidence.md §14 `--station`, `--operator`), in Debian's
 * chromium, against real lab runs: virtual serial locks (separate processes) on socat pty pairs, each driven by
 * `conformance --target lab --station`. Two runs at once, to keep CI time small:
 *  - LAB-05: the page shows the running test and the clock plot gains points while the window counts down;
 *    the run is then stopped with SIGINT (exit 4, aborted: LAB-05's 30 s window is not waited out here).
 *  - LAB-04 and PWD-07 with `--operator` on a bench without bench control: this test plays the person (drops
 *    the pty when asked, presses "done"), the keypad lockout (in the device's real time) is a countdown, the
 *    final counts are the matrix's, and the answers are in the report.
 * Neither page nor event stream holds a secret of the run, and the page listens on loopback only.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { get, request } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from '@playwright/test';
import { BenchRig } from '../serial/bench-rig.ts';
import type { Matrix } from '../report/matrix.ts';
import { EXIT } from '../report/run-outcome.ts';
import type { StationEvent } from './events.ts';

const CHROMIUM = process.env.LOCKBENCH_CHROMIUM ?? '/usr/bin/chromium';
// The flags of harness/report/report-browser.check.ts.
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const LOCK_SECRET = '7d1f00c2a9b84e3c95a6e0d4b3c2a190';
/** The lab target's own app secret (harness/targets/lab/session.ts): signed requests carry only its signature. */
const APP_SECRET = 'a0cc195a3034c6de34c9dfccf765117b';
/** Long enough that the countdown outlives the two clock placements before it (~1 s each on a running clock). */
const LOCKOUT_S = 5;
const COLUMN = 'lab · kexin-2017-03';
const noSocat = spawnSync('socat', ['-V'], { stdio: 'ignore' }).status !== 0;

interface LabRun {
  child: ChildProcess;
  url: string;
  exited: Promise<unknown[]>;
  /** Everything the event stream sent, once the station closes. */
  stream: Promise<string>;
  out: () => string;
}

/** `conformance --target lab --station 0 FLAGS` against `rig` (its bench control only when `benchControl`). */
async function startRun(rig: BenchRig, dir: string, lockId: number, flags: string[], env: Record<string, string>, onEvent: (e: StationEvent, url: string) => void = () => {}): Promise<LabRun> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/conformance.ts', '--target', 'lab', '--station', '0', ...flags, '--output', join(dir, 'test-results')], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env, CI: '', LOCKBENCH_REPORTS: dir, LOCKBENCH_MATRIX_DIR: dir, LOCKBENCH_SERIAL: rig.hostPath, LOCKBENCH_LOCK_ID: String(lockId),
      LOCKBENCH_LOCK_SECRET: LOCK_SECRET, LOCKBENCH_LAB_STATE: join(dir, 'lab-state.json'), LOCKBENCH_BENCH_CONTROL: '', ...env,
    },
  });
  let out = '';
  child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = once(child, 'exit');
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /lockbench station: (http:\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', () => reject(new Error(`the run ended without a station URL:\n${out}`)));
  });
  assert.match(out.trimStart(), /^lockbench station: http:\/\/127\.0\.0\.1:\d+\//, 'the URL is printed first, on loopback');
  const stream = new Promise<string>((resolve) => {
    get(`${url}events`, (res) => {
      let text = '';
      let pending = '';
      res.on('data', (d: Buffer) => {
        text += d.toString();
        const blocks = (pending + d.toString()).split('\n\n');
        pending = blocks.pop() ?? '';
        for (const b of blocks) if (b.startsWith('data: ')) onEvent(JSON.parse(b.slice(6)) as StationEvent, url);
      });
      res.on('end', () => resolve(text)).on('error', () => resolve(text));
    }).on('error', () => resolve(''));
  });
  return { child, url, exited, stream, out: () => out };
}

const post = (url: string): Promise<number> => new Promise((resolve, reject) => {
  request(url, { method: 'POST' }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode ?? 0)); }).on('error', reject).end('{"answer":"done"}');
});

const reachable = (host: string, port: number): Promise<boolean> => new Promise((resolve) => {
  const s = connect({ host, port, timeout: 1000 });
  s.once('connect', () => { s.destroy(); resolve(true); });
  s.once('error', () => resolve(false)).once('timeout', () => { s.destroy(); resolve(false); });
});

function assertNoSecret(what: string, text: string): void {
  for (const secret of [LOCK_SECRET, APP_SECRET]) assert.ok(!text.toLowerCase().includes(secret), `no secret in ${what}`);
}

/** LAB-05 on a running clock: the plot gains points while the window counts down; then SIGINT. */
async function clockRun(browser: Browser, dir: string): Promise<void> {
  const rig = await BenchRig.start({ dir: join(dir, 'rig'), lockId: 4100011, secretHex: LOCK_SECRET, deviceFlags: ['--time', 'running'], deviceStderr: () => {} });
  let run: LabRun | undefined;
  try {
    run = await startRun(rig, dir, 4100011, ['--grep', '@LAB-05\\b'], {});
    const lan = Object.values(networkInterfaces()).flat().find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
    if (lan) assert.equal(await reachable(lan, Number(new URL(run.url).port)), false, `the page is not reachable on ${lan}`);
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await page.goto(run.url);
    await page.waitForFunction(() => /LAB-05/.test(document.getElementById('current-checks')?.textContent ?? ''), undefined, { timeout: 60_000 });
    assert.match(await page.locator('#current-test').textContent() ?? '', /device clock keeps time/);
    await page.waitForFunction(() => /LAB-05 window/.test(document.getElementById('waits')?.textContent ?? ''), undefined, { timeout: 30_000 });
    const before = Number(await page.locator('#clock-plot').getAttribute('data-points'));
    await page.waitForFunction((n) => Number(document.getElementById('clock-plot')!.getAttribute('data-points')) >= n + 5 && /LAB-05 window/.test(document.getElementById('waits')!.textContent ?? ''), before, { timeout: 30_000 });
    assert.match(await page.locator('#waits .countdown').first().textContent() ?? '', /^\d+\.\d s left$/, 'the LAB-05 window counts down');
    // The wire timeline of the running test, drawn as sequence.html draws it (a sandboxed frame: read through Playwright).
    await page.frameLocator('#timeline-frame').getByText(/^serial tx 7e/).first().waitFor({ timeout: 10_000 });
    await page.screenshot({ path: join(tmpdir(), 'station-lab.png') });
    assertNoSecret('the LAB-05 page', await page.content());
    run.child.kill('SIGINT');
    const [code] = await run.exited;
    assert.equal(code, EXIT.aborted, run.out());
    assertNoSecret('the LAB-05 event stream', await run.stream);
  } finally {
    if (run && run.child.exitCode === null) run.child.kill('SIGKILL');
    await rig.stop();
  }
}

/** LAB-04 by an operator (this test, dropping the pty) and PWD-07's lockout in real time; counts against the matrix. */
async function operatorRun(browser: Browser, dir: string): Promise<void> {
  const rig = await BenchRig.start({ dir: join(dir, 'rig'), lockId: 4100013, secretHex: LOCK_SECRET, deviceFlags: ['--time', 'running', '--lockout-clock', 'real', '--lockout-survives-set-back', '--lockout-s', String(LOCKOUT_S)], deviceStderr: () => {} });
  let run: LabRun | undefined;
  const asked: string[] = [];
  const person = (e: StationEvent, url: string): void => {
    if (e.type !== 'prompt') return;
    asked.push(e.instruction);
    // The rig's own bench control is the hand on the cable (the run was not given it).
    void post(`${rig.controlUrl}/${/^Unplug/.test(e.instruction) ? 'unplug' : 'replug'}`).then(() => post(`${url}answer/${encodeURIComponent(e.promptId)}`));
  };
  try {
    run = await startRun(rig, dir, 4100013, ['--operator', '--grep', '@LAB-04\\b|@PWD-07\\b'], { LOCKBENCH_LOCK_LOCKOUT_S: String(LOCKOUT_S) }, person);
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    // The countdown as first drawn, kept by an observer: on a loaded machine its last seconds can pass between two polls.
    await page.addInitScript(() => document.addEventListener('DOMContentLoaded', () => {
      const waits = document.getElementById('waits')!;
      const seen = window as unknown as { lockoutShown?: string };
      new MutationObserver(() => {
        if (!seen.lockoutShown && /keypad lockout/.test(waits.textContent ?? '')) seen.lockoutShown = waits.textContent ?? '';
      }).observe(waits, { childList: true, subtree: true, characterData: true });
    }));
    await page.goto(run.url);
    await page.waitForFunction(() => (window as unknown as { lockoutShown?: string }).lockoutShown, undefined, { timeout: 60_000 })
      .catch((e: Error) => assert.fail(`${e.message}; the run said:\n${run!.out()}`));
    const countdown = await page.evaluate(() => (window as unknown as { lockoutShown?: string }).lockoutShown ?? '');
    const left = Number(/(\d+\.\d) s left/.exec(countdown)?.[1]);
    assert.ok(left > 0 && left <= LOCKOUT_S + 2, `the lockout counts down (${left} s left)`);
    await page.screenshot({ path: join(tmpdir(), 'station-lab-lockout.png') });
    await page.waitForFunction(() => /ended/.test(document.getElementById('run')?.textContent ?? ''), undefined, { timeout: 60_000 })
      .catch((e: Error) => assert.fail(`${e.message}; the run said:\n${run!.out()}`));
    const [code] = await run.exited;
    assert.equal(code, EXIT.pass, run.out());
    assert.deepEqual(asked.map((a) => a.split(' ')[0]), ['Unplug', 'Plug'], 'asked to unplug the cable, then to plug it back');
    assert.match(readFileSync(join(dir, 'results.json'), 'utf8'), /"description": "Unplug the lock's serial cable now, then press done\.: done after \d+ ms"/, 'the answer and its time are in the report');
    const shown = Object.fromEntries(await page.locator('#checks tr').evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-check'), tr.getAttribute('data-status')])));
    const matrix = JSON.parse(readFileSync(join(dir, 'conformance.json'), 'utf8')) as Matrix;
    const inMatrix = Object.fromEntries(matrix.rows.filter((r) => r.cells[COLUMN]?.tests.length).map((r) => [r.id, r.cells[COLUMN]!.status]));
    assert.deepEqual(shown, inMatrix, 'per check, the page says what the matrix says');
    assert.deepEqual(Object.keys(inMatrix).sort(), ['LAB-04', 'PWD-07']);
    for (const k of ['pass', 'fail', 'skip'] as const) {
      assert.equal(Number(await page.locator(`#count-${k}`).textContent()), Object.values(inMatrix).filter((s) => s === k).length, `${k} count`);
    }
    await page.screenshot({ path: join(tmpdir(), 'station-lab-end.png'), fullPage: true });
    assertNoSecret('the operator run\'s page', await page.content());
    const events = await run.stream;
    assert.match(events, /"type":"wire"/, 'the stream carried the wire log');
    assertNoSecret('the operator run\'s event stream', events);
  } finally {
    if (run && run.child.exitCode === null) run.child.kill('SIGKILL');
    await rig.stop();
  }
}

test('lab station pages: running test, LAB-05 clock points, lockout countdown, operator LAB-04, the matrix\'s counts, no secret, loopback only', { timeout: 150_000, skip: (noSocat || !existsSync(CHROMIUM)) && 'needs socat and /usr/bin/chromium' }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lockbench-station-'));
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  try {
    await Promise.all([clockRun(browser, join(dir, 'clock')), operatorRun(browser, join(dir, 'operator'))]);
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
