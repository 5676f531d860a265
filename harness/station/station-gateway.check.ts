/**
 * The station page of a gateway session (docs/evidence.md §14), in Debian's chromium: `npm run gateway` is the
 * "physical" gateway, a separate process on a free loopback port, and `conformance --target gateway --station
 * --operator` runs GWP-01 and GWP-05 by power against it at a terminal (a pty from `script`, so stdin is a TTY
 * as it is for a person). The page must show the connection, the retained status, each command with its acks
 * and the events it caused. GWP-05's power cycle is done by this test as the person would: asked to switch the
 * gateway off, it kills the process (no DISCONNECT: a power loss) and presses the page's "done"; asked to switch
 * it back on, it starts a new gateway process and presses Enter in the terminal. No secret reaches the page.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { freePort } from '../../sim/io/free-port.ts';
import { EXIT } from '../report/run-outcome.ts';

const CHROMIUM = process.env.LOCKBENCH_CHROMIUM ?? '/usr/bin/chromium';
// The flags of harness/report/report-browser.check.ts.
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const AP_ID = '1000002';
const GATEWAY_SECRET = 'gw-secret-station-1000002';
const LOCK_SECRET = 'c3d4e5f60718293a4b5c6d7e8f90a1b2';
const noScript = spawnSync('script', ['--version'], { stdio: 'ignore' }).status !== 0;

/** `npm run gateway` against the harness's broker on `port` (it keeps trying until the broker is up). */
const startGateway = (port: number): ChildProcess => spawn(process.execPath, [
  '--import', 'tsx', 'bin/gateway.ts', '--mqtt', `mqtt://127.0.0.1:${port}`, '--ap-id', AP_ID, '--secret', GATEWAY_SECRET, '--reconnect-ms', '200',
], { stdio: ['ignore', 'ignore', 'ignore'] });

/** The run at a terminal: `script` gives it a pty (stdin and stdout are TTYs); our pipe into `script` is its keyboard. */
function startRun(port: number, dir: string): ChildProcess {
  const run = ['node', '--import', 'tsx', 'bin/conformance.ts', '--target', 'gateway', '--station', '0', '--operator',
    '--grep', "'@GWP-01\\b|power-cycled by hand'", '--output', join(dir, 'test-results'), 'specs/gateway-protocol.spec.ts'].join(' ');
  return spawn('script', ['-qfec', run, '/dev/null'], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: {
      ...process.env, CI: '', LOCKBENCH_REPORTS: dir, LOCKBENCH_MATRIX_DIR: dir, LOCKBENCH_MQTT_HOST: '127.0.0.1', LOCKBENCH_MQTT_PORT: String(port),
      LOCKBENCH_GATEWAY_AP_ID: AP_ID, LOCKBENCH_GATEWAY_SECRET: GATEWAY_SECRET, LOCKBENCH_LOCK_IDS: '1000001,1000003', LOCKBENCH_LOCK_SECRET: LOCK_SECRET,
      LOCKBENCH_GATEWAY_WAIT_S: '20', LOCKBENCH_ACK_TIMEOUT_MS: '1500',
    },
  });
}

/** The text of the prompt the page shows next (not the one answered before), once it shows one. */
async function nextPrompt(page: Page, out: () => string, answered = ''): Promise<{ text: string; promptId: string }> {
  const box = page.locator('#prompts .prompt').filter({ has: page.locator(`button:not([data-prompt="${answered}"])`) }).first();
  await box.waitFor({ timeout: 60_000 }).catch((e: Error) => assert.fail(`${e.message}; the run said:\n${out()}`));
  return { text: await box.locator('p').textContent() ?? '', promptId: await box.locator('button').getAttribute('data-prompt') ?? '' };
}

test('gateway station page: connection, retained status, commands with acks and events; GWP-05 power-cycled by the operator (page "done", terminal Enter)', { timeout: 120_000, skip: (noScript || !existsSync(CHROMIUM)) && 'needs script(1) and /usr/bin/chromium' }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lockbench-station-gw-'));
  const port = await freePort();
  const gateways = [startGateway(port)];
  const run = startRun(port, dir);
  let out = '';
  for (const s of [run.stdout!, run.stderr!]) s.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = once(run, 'exit');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      run.stdout!.on('data', () => {
        const m = /lockbench station: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
        if (m) resolve(m[1]!);
      });
      run.once('exit', () => reject(new Error(`the run ended without a station URL:\n${out}`)));
    });
    const page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
    await page.goto(url);

    const off = await nextPrompt(page, () => out);
    assert.match(off.text, new RegExp(`^Switch gateway ${AP_ID} off`), 'first asked to switch the gateway off');
    // By then GWP-01 ran and GWP-05 opened the lock twice (events before the cut): the gateway panel holds their traffic.
    const panel = await page.locator('#gateway').textContent() ?? '';
    assert.ok(await page.locator('#device-gateway').isVisible(), 'the gateway panel is shown on the gateway target');
    assert.match(panel, /connection:\n[\s\S]*CONNECT accepted: client id/, 'the connection');
    assert.match(panel, /retained status: \{"online":\s*true\}/, 'the retained status');
    assert.match(panel, /unlock lock 1000001 → ack ok after \d+ ms · events: unlock/, 'a command with its ack, its latency and the event it caused');
    gateways[0]!.kill('SIGKILL');
    await page.locator(`button[data-prompt="${off.promptId}"]`).click();

    const on = await nextPrompt(page, () => out, off.promptId);
    assert.match(on.text, new RegExp(`^Switch gateway ${AP_ID} back on`), 'then asked to switch it back on');
    assert.match(await page.locator('#gateway').textContent() ?? '', /retained status: \{"online":\s*false\}\n[\s\S]*status \{"online":\s*false\} at/, 'the will of the power loss: retained and in the connection list');
    assert.match(out, /operator: Switch gateway \d+ back on, then press done\. Press "done" on http:\S+ or Enter here/, 'the terminal asks too');
    // The current test's wire timeline holds the first answer (the page's "done"), drawn as sequence.html draws it.
    await page.frameLocator('#timeline-frame').getByText(/^control operator answered done/).first().waitFor({ timeout: 10_000 });
    await page.screenshot({ path: join(tmpdir(), 'station-gateway.png'), fullPage: true });
    gateways.push(startGateway(port));
    run.stdin!.write('\r');

    await page.waitForFunction(() => /ended/.test(document.getElementById('run')?.textContent ?? ''), undefined, { timeout: 60_000 })
      .catch((e: Error) => assert.fail(`${e.message}; the run said:\n${out}`));
    const [code] = await exited;
    assert.equal(code, EXIT.pass, out);
    const results = readFileSync(join(dir, 'results.json'), 'utf8');
    assert.match(results, /"description": "Switch gateway \d+ off \(pull its power, no clean shutdown\), then press done\.: done after \d+ ms"/, 'the page\'s answer is in the report');
    assert.match(results, /"description": "Switch gateway \d+ back on, then press done\.: done after \d+ ms"/, 'the terminal\'s Enter is in the report');
    assert.match(results, /power-cycled by hand[\s\S]*?"status": "passed"/, 'GWP-05 by power passed');
    const html = (await page.content()).toLowerCase();
    for (const secret of [GATEWAY_SECRET, LOCK_SECRET]) assert.ok(!html.includes(secret) && !out.toLowerCase().includes(secret), 'no secret on the page or the terminal');
  } finally {
    await browser.close();
    if (run.exitCode === null) run.kill('SIGKILL');
    for (const g of gateways) if (g.exitCode === null) g.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
