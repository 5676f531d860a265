import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { waitUntil } from '../../sim/io/index.ts';
import { exitOf } from '../../sim/io/child-exit.ts';

/**
 * One CI lab bench (TEST-PLAN LAB-02…05 without hardware): a socat pseudo-terminal pair stands in
 * for the USB cable, the virtual serial lock (`bin/serial-lock.ts`, a separate process) sits on one
 * end, and a bench-control server on loopback lets LAB-04 pull the "cable" (kill socat) and put it
 * back. Every wait is bounded.
 */
export interface BenchRigOptions {
  /** Folder for the pty links; created. */
  dir: string;
  lockId: number;
  secretHex: string;
  /** serial-lock flags of the firmware variant (and `--defects`). */
  deviceFlags: readonly string[];
  /** Where the device's stderr goes. Default: inherited. */
  deviceStderr?: (chunk: Buffer) => void;
}

export class BenchRig {
  readonly hostPath: string;
  private readonly lockPath: string;
  private socat: ChildProcess | undefined;
  private device: ChildProcess | undefined;
  private control: Server | undefined;

  private constructor(private readonly opts: BenchRigOptions) {
    this.hostPath = join(opts.dir, 'host');
    this.lockPath = join(opts.dir, 'lock');
  }

  /** Plug the cable, start the device and wait for its ready line, serve bench control. */
  static async start(opts: BenchRigOptions): Promise<BenchRig> {
    mkdirSync(opts.dir, { recursive: true });
    const rig = new BenchRig(opts);
    try {
      await rig.plug();
      await rig.startDevice();
      await rig.serveControl();
    } catch (e) {
      await rig.stop();
      throw e;
    }
    return rig;
  }

  /** `LOCKBENCH_BENCH_CONTROL` for the lab target: POST /unplug, POST /replug. */
  get controlUrl(): string {
    return `http://127.0.0.1:${(this.control!.address() as AddressInfo).port}`;
  }

  /** Whether the device process is still running. */
  get deviceAlive(): boolean {
    return !!this.device && this.device.exitCode === null && this.device.signalCode === null;
  }

  /** Stop everything; the device's exit code on SIGTERM (null: it had to be killed). */
  async stop(): Promise<number | null> {
    await new Promise<void>((r) => (this.control ? this.control.close(() => r()) : r()));
    let code: number | null = null;
    const d = this.device;
    if (d) {
      if (d.exitCode === null && d.signalCode === null) d.kill('SIGTERM');
      code = await exitOf(d, 5000);
      if (code === null) d.kill('SIGKILL');
    }
    await this.unplug();
    return code;
  }

  private async plug(): Promise<void> {
    this.socat = spawn('socat', [`pty,raw,echo=0,link=${this.hostPath}`, `pty,raw,echo=0,link=${this.lockPath}`], { stdio: 'ignore' });
    await waitUntil('socat to create the pty pair', () => existsSync(this.hostPath) && existsSync(this.lockPath), { timeoutMs: 5000 });
  }

  private async unplug(): Promise<void> {
    const s = this.socat;
    this.socat = undefined;
    if (!s) return;
    if (s.exitCode === null && s.signalCode === null) s.kill('SIGTERM');
    if ((await exitOf(s, 2000)) === null && s.exitCode === null) s.kill('SIGKILL');
    await waitUntil('the pty links to disappear', () => !existsSync(this.hostPath) && !existsSync(this.lockPath), { timeoutMs: 3000 }).catch(() => {
      rmSync(this.hostPath, { force: true });
      rmSync(this.lockPath, { force: true });
    });
  }

  private async startDevice(): Promise<void> {
    const { lockId, secretHex, deviceFlags, deviceStderr } = this.opts;
    const args = ['--import', 'tsx', 'bin/serial-lock.ts', '--port', this.lockPath, '--lock-id', String(lockId), '--secret', secretHex, ...deviceFlags];
    const device = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', deviceStderr ? 'pipe' : 'inherit'] });
    this.device = device;
    if (deviceStderr) device.stderr!.on('data', deviceStderr);
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('bench: serial-lock printed no ready line within 20 s')), 20_000);
      createInterface({ input: device.stdout! }).once('line', () => {
        clearTimeout(t);
        resolve();
      });
      device.once('exit', (code) => {
        clearTimeout(t);
        reject(new Error(`bench: serial-lock exited with ${code} before it was ready`));
      });
    });
  }

  private async serveControl(): Promise<void> {
    this.control = createServer((req, res) => {
      const act = req.url === '/unplug' ? () => this.unplug() : req.url === '/replug' ? () => this.plug() : undefined;
      if (!act || req.method !== 'POST') {
        res.writeHead(404).end();
        return;
      }
      act().then(() => res.writeHead(200).end('{}'), (e: Error) => res.writeHead(500).end(e.message));
    });
    await new Promise<void>((r) => this.control!.listen(0, '127.0.0.1', r));
  }
}
