/**
 * Test kit (not a test file itself): a real Mosquitto 2 on a free loopback port, configured by
 * `npm run broker-config` from a fixture (DESIGN §13), as `npm run conformance:mosquitto` starts it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, stopChild, waitUntil } from '../../../sim/io/index.ts';

export const hasMosquitto = !spawnSync('mosquitto', ['-h']).error;

export interface RunningMosquitto {
  port: number;
  dir: string;
  /** `DIR/cloud.url` and `DIR/tap.url`, with their passwords. */
  cloudUrl: string;
  tapUrl: string;
  /** `mqtt://127.0.0.1:PORT`, no user. */
  url: string;
  stop(): Promise<void>;
}

const accepts = (port: number): Promise<boolean> => new Promise((resolve) => {
  const c = connect({ host: '127.0.0.1', port }, () => {
    c.destroy();
    resolve(true);
  }).on('error', () => resolve(false));
});

export async function startMosquitto(fixture = 'fixtures/fleet.json'): Promise<RunningMosquitto> {
  const dir = mkdtempSync(join(tmpdir(), 'lockbench-mosquitto-test-'));
  const port = await freePort();
  const config = spawnSync(process.execPath, ['--import', 'tsx', 'bin/broker-config.ts', '--fixture', fixture, '--out', dir, '--port', String(port)], { encoding: 'utf8' });
  if (config.status !== 0) throw new Error(`broker-config failed: ${config.stderr}`);
  const broker = spawn('mosquitto', ['-c', join(dir, 'mosquitto.conf')], { stdio: 'ignore' });
  const stop = async (): Promise<void> => {
    await stopChild(broker, 3000);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntil(`mosquitto on ${port}`, () => accepts(port), { timeoutMs: 5000, intervalMs: 20 });
  } catch (e) {
    await stop();
    throw e;
  }
  const read = (name: string): string => readFileSync(join(dir, name), 'utf8').trim();
  return { port, dir, cloudUrl: read('cloud.url'), tapUrl: read('tap.url'), url: `mqtt://127.0.0.1:${port}`, stop };
}
