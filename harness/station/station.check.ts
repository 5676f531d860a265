/**
 * The station page as a person at the bench sees it (docs/evidence.md §14 `--station`), in Debian's chromium,
 * against a real lab run: a virtual serial lock (a separate process) on a socat pty pair whose keypad lockout
 * runs in its own real time, `conformance --target lab --station` over LAB-05 and PWD-07. The page shows the
 * running test, the clock plot gains points while LAB-05 measures, the lockout is a countdown, its final
 * counts are the matrix's, and neither the page nor its event stream holds a secret of the run; it listens on
 * loopback only.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { BenchRig } from '../serial/bench-rig.ts';
import type { Matrix } from '../report/matrix.ts';

const CHROMIUM = process.env.LOCKBENCH_CHROMIUM ?? '/usr/bin/chromium';
// The flags of harness/report/report-browser.check.ts.
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const LOCK_ID = 4100011;
const LOCK_SECRET = '7d1f00c2a9b84e3c95a6e0d4b3c2a190';
/** The lab target's own app secret (harness/targets/lab/session.ts): signed requests carry only its signature. */
const APP_SECRET = 'a0cc195a3034c6de34c9dfccf765117b';
const LOCKOUT_S = 4;
const COLUMN = 'lab · kexin-2017-03';
const noSocat = spawnSync('socat', ['-V'], { stdio: 'ignore' }).status !== 0;

/** Everything the event stream sends until the station closes. */
function readStream(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => { text += d.toString(); });
      res.on('end', () => resolve(text));
      res.on('error', () => resolve(text));
    }).on('error', reject);
  });
}

const reachable = (host: string, port: number): Promise<boolean> => new Promise((resolve) => {
  const s = connect({ host, port, timeout: 1000 });
  s.once('connect', () => { s.destroy(); resolve(true); });
  s.once('error', () => resolve(false)).once('timeout', () => { s.destroy(); resolve(false); });
});

test('a lab run\'s station page: running test, LAB-05 clock points, lockout countdown, the matrix\'s counts, no secret, loopback only', { timeout: 150_000, skip: (noSocat || !existsSync(CHROMIUM)) && 'needs socat and /usr/bin/chromium' }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lockbench-station-'));
  const rig = await BenchRig.start({ dir: join(dir, 'rig'), lockId: LOCK_ID, secretHex: LOCK_SECRET, deviceFlags: ['--time', 'running', '--lockout-clock', 'real', '--lockout-survives-set-back', '--lockout-s', String(LOCKOUT_S)], deviceStderr: () => {} });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  let run: ReturnType<typeof spawn> | undefined;
  try {
    run = spawn(process.execPath, ['--import', 'tsx', 'bin/conformance.ts', '--target', 'lab', '--station', '0', '--grep', '@LAB-05\\b|@PWD-07\\b', '--output', join(dir, 'test-results')], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env, CI: '', LOCKBENCH_REPORTS: dir, LOCKBENCH_MATRIX_DIR: dir, LOCKBENCH_SERIAL: rig.hostPath, LOCKBENCH_LOCK_ID: String(LOCK_ID),
        LOCKBENCH_LOCK_SECRET: LOCK_SECRET, LOCKBENCH_BENCH_CONTROL: rig.controlUrl, LOCKBENCH_LAB_STATE: join(dir, 'lab-state.json'), LOCKBENCH_LOCK_LOCKOUT_S: String(LOCKOUT_S),
      },
    });
    let out = '';
    run.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
    const exited = once(run, 'exit');
    const url = await new Promise<string>((resolve, reject) => {
      run!.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /lockbench station: (http:\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      run!.once('exit', () => reject(new Error(`the run ended without a station URL:\n${out}`)));
    });
    assert.match(out.trimStart(), /^lockbench station: http:\/\/127\.0\.0\.1:\d+\//, 'the URL is printed first, on loopback');
    const port = Number(new URL(url).port);
    const lan = Object.values(networkInterfaces()).flat().find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
    if (lan) assert.equal(await reachable(lan, port), false, `not reachable on ${lan}`);
    const stream = readStream(`${url}events`);
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await page.goto(url);

    await page.waitForFunction(() => /@?LAB-05/.test(document.getElementById('current-checks')?.textContent ?? ''), undefined, { timeout: 60_000 });
    assert.match(await page.locator('#current-test').textContent() ?? '', /device clock keeps time/);
    await page.waitForFunction(() => /LAB-05 window/.test(document.getElementById('waits')?.textContent ?? ''), undefined, { timeout: 30_000 });
    const pointsAt = async (): Promise<number> => Number(await page.locator('#clock-plot').getAttribute('data-points'));
    const before = await pointsAt();
    await page.waitForFunction((n) => Number(document.getElementById('clock-plot')!.getAttribute('data-points')) > n + 5 && /LAB-05 window/.test(document.getElementById('waits')!.textContent ?? ''), before, { timeout: 30_000 });
    assert.match(await page.locator('#waits .countdown').first().textContent() ?? '', /^\d+\.\d s left$/, 'the LAB-05 window counts down');
    await page.screenshot({ path: join(tmpdir(), 'station-lab.png') });

    await page.waitForFunction(() => /keypad lockout/.test(document.getElementById('waits')?.textContent ?? ''), undefined, { timeout: 60_000 });
    const left = Number(/(\d+\.\d) s left/.exec(await page.locator('#waits').textContent() ?? '')?.[1]);
    assert.ok(left > 0 && left <= LOCKOUT_S + 2, `the lockout counts down (${left} s left)`);
    await page.screenshot({ path: join(tmpdir(), 'station-lab-lockout.png') });

    await page.waitForFunction(() => /ended/.test(document.getElementById('run')?.textContent ?? ''), undefined, { timeout: 60_000 });
    const [code] = await exited as [number | null];
    assert.equal(code, 0, out);
    const shown = Object.fromEntries(await page.locator('#checks tr').evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-check'), tr.getAttribute('data-status')])));
    const matrix = JSON.parse(readFileSync(join(dir, 'conformance.json'), 'utf8')) as Matrix;
    const inMatrix = Object.fromEntries(matrix.rows.filter((r) => r.cells[COLUMN]?.ranAt === matrix.dates[COLUMN] && r.cells[COLUMN]?.tests.length).map((r) => [r.id, r.cells[COLUMN]!.status]));
    assert.deepEqual(shown, inMatrix, 'per check, the page says what the matrix says');
    for (const k of ['pass', 'fail', 'skip'] as const) {
      assert.equal(Number(await page.locator(`#count-${k}`).textContent()), Object.values(inMatrix).filter((s) => s === k).length, `${k} count`);
    }
    await page.screenshot({ path: join(tmpdir(), 'station-lab-end.png'), fullPage: true });

    const html = await page.content();
    const events = await stream;
    writeFileSync(join(tmpdir(), 'station-lab-events.txt'), events);
    assert.match(events, /"type":"wire"/, 'the stream carried the wire log');
    for (const secret of [LOCK_SECRET, APP_SECRET]) {
      assert.ok(!html.includes(secret) && !events.includes(secret), 'no secret on the page or in its stream');
      assert.ok(!html.toLowerCase().includes(secret.toLowerCase()) && !events.toLowerCase().includes(secret.toLowerCase()));
    }
  } finally {
    if (run && run.exitCode === null) run.kill('SIGTERM');
    await browser.close();
    await rig.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
