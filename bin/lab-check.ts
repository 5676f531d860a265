/**
 * CI proof of lab mode (issue 5): a socat pseudo-terminal pair stands in for the USB cable, the
 * virtual serial lock (`bin/serial-lock.ts`) sits on one end, and the suite runs with `--target lab`
 * on the other through the real `serialport` binding. A small bench-control server lets LAB-04 pull
 * the "cable" (kill socat) and put it back. Without socat this skips with the reason — unless
 * CI=true, where a missing socat is a failure.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Matrix } from '../harness/report/matrix.ts';
import { cli } from './cli.ts';

cli('lockbench conformance:lab', {
  synopsis: 'npm run conformance:lab [-- Playwright test options]',
  about: 'CI proof of lab mode: a socat pty pair, the virtual serial lock on one end and the suite with --target lab on\nthe other (reports/lab). Without socat it skips, except under CI=true where that fails.',
}).helpIfAsked();

const LOCK_ID = '1000001';
const SECRET = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const SPECS = ['specs/lab.spec.ts', 'specs/pwd-api.spec.ts', 'specs/pwd-window.spec.ts', 'specs/drift.spec.ts', 'specs/time-sync.spec.ts', 'specs/v2-passwords.spec.ts'];

if (spawnSync('socat', ['-V'], { stdio: 'ignore' }).error) {
  const msg = 'lab check: socat is not installed (apt-get install -y socat)';
  if (process.env.CI === 'true') {
    console.error(`${msg}; in CI that is a failure`);
    process.exit(1);
  }
  console.log(`${msg}; skipping the lab run`);
  process.exit(0);
}

const dir = mkdtempSync(join(tmpdir(), 'lockbench-lab-'));
const hostEnd = join(dir, 'host');
const lockEnd = join(dir, 'lock');
let socat: ChildProcess | undefined;

async function until(what: string, cond: () => boolean, timeoutMs: number): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (!cond()) {
    if (performance.now() > end) throw new Error(`lab check: timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function plug(): Promise<void> {
  socat = spawn('socat', [`pty,raw,echo=0,link=${hostEnd}`, `pty,raw,echo=0,link=${lockEnd}`], { stdio: 'ignore' });
  await until('socat to create the pty pair', () => existsSync(hostEnd) && existsSync(lockEnd), 5000);
}

async function unplug(): Promise<void> {
  const s = socat;
  socat = undefined;
  if (!s || s.exitCode !== null) return;
  const gone = new Promise((r) => s.once('exit', r));
  s.kill('SIGTERM');
  await Promise.race([gone, new Promise((r) => setTimeout(r, 2000))]);
  await until('the pty links to disappear', () => !existsSync(hostEnd) && !existsSync(lockEnd), 3000).catch(() => {
    rmSync(hostEnd, { force: true });
    rmSync(lockEnd, { force: true });
  });
}

await plug();
const lock = spawn(process.execPath, ['--import', 'tsx', 'bin/serial-lock.ts', '--port', lockEnd, '--lock-id', LOCK_ID, '--secret', SECRET, '--time', 'frozen'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
await new Promise<void>((resolve, reject) => {
  const t = setTimeout(() => reject(new Error('lab check: serial-lock printed no ready line within 20 s')), 20_000);
  createInterface({ input: lock.stdout! }).once('line', () => {
    clearTimeout(t);
    resolve();
  });
  lock.once('exit', (code) => reject(new Error(`lab check: serial-lock exited with ${code}`)));
});

const control = createServer((req, res) => {
  const act = req.url === '/unplug' ? unplug : req.url === '/replug' ? plug : undefined;
  if (!act || req.method !== 'POST') {
    res.writeHead(404).end();
    return;
  }
  act().then(() => res.writeHead(200).end('{}'), (e: Error) => res.writeHead(500).end(e.message));
});
await new Promise<void>((r) => control.listen(0, '127.0.0.1', r));

// Asynchronous on purpose: the bench-control server above must keep answering while the suite runs.
const suite = spawn(process.execPath, ['--import', 'tsx', 'bin/conformance.ts', '--target', 'lab', '--workers', '1', ...SPECS, ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: {
    ...process.env,
    LOCKBENCH_REPORTS: 'reports/lab',
    LOCKBENCH_SERIAL: hostEnd,
    LOCKBENCH_LOCK_ID: LOCK_ID,
    LOCKBENCH_LOCK_SECRET: SECRET,
    LOCKBENCH_BENCH_CONTROL: `http://127.0.0.1:${(control.address() as AddressInfo).port}`,
  },
});
const run = { status: await new Promise<number | null>((resolve) => suite.once('exit', (code) => resolve(code))) };

control.close();
lock.kill('SIGTERM');
const lockExit = await new Promise<number | null>((resolve) => {
  const t = setTimeout(() => resolve(null), 5000);
  lock.once('exit', (code) => {
    clearTimeout(t);
    resolve(code);
  });
});
if (lockExit === null) lock.kill('SIGKILL');
await unplug();
rmSync(dir, { recursive: true, force: true });

const problems: string[] = [];
if (run.status !== 0) problems.push(`the lab run exited with ${run.status}`);
if (lockExit !== 0) problems.push(`serial-lock exited with ${lockExit} on SIGTERM (want 0)`);
const matrix = JSON.parse(readFileSync('reports/conformance.json', 'utf8')) as Matrix;
const column = matrix.columns.find((c) => c.startsWith('lab'));
if (!column) problems.push('the matrix has no lab column');
const passed = matrix.rows.filter((r) => column && r.cells[column]?.status === 'pass').map((r) => r.id);
for (const id of ['LAB-01', 'LAB-02', 'LAB-03', 'LAB-04']) if (!passed.includes(id)) problems.push(`${id} did not pass on lab`);
console.log(`lab target: ${passed.length} checks passed: ${passed.join(' ')}`);
if (problems.length) {
  console.error(`lab check failed:\n- ${problems.join('\n- ')}`);
  process.exit(1);
}
