import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { Broker } from '../sim/broker/broker.ts';
import { CloudProbe } from '../sim/gateway/gateway.test-kit.ts';
import { freePort } from '../sim/io/free-port.ts';
import { waitUntil } from '../sim/io/index.ts';

// DESIGN §12: `npm run gateway` is a separate process that keeps trying until the broker is there,
// prints one ready line, serves commands, and on SIGTERM goes offline cleanly with exit 0.

const AP = 1000002;
const SECRET = 'gw-secret-1000002';
const T = { timeout: 30_000 };

test('the gateway process waits for the broker, comes online retained, acks a command, and stops cleanly', T, async () => {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/gateway.ts', '--mqtt', `mqtt://127.0.0.1:${port}`, '--ap-id', String(AP), '--reconnect-ms', '100'], {
    // The secret by environment, so it is in neither ps nor npm's banner (sim/io/secret-file.ts).
    stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LOCKBENCH_GATEWAY_SECRET: SECRET },
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = once(child, 'exit');
  const ready = new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve));
  let broker: Broker | undefined;
  let probe: CloudProbe | undefined;
  try {
    // Start the broker only once the process says it is already trying (bounded).
    await waitUntil('the gateway process to say it cannot join yet', () => /cannot join .* yet/.test(stderr), { timeoutMs: 15_000, intervalMs: 20 });
    broker = await Broker.create({ port, cloudPassword: 'pw', gatewaySecret: (id) => (id === AP ? SECRET : undefined) });
    const line = JSON.parse(await Promise.race([ready, new Promise<string>((_, rej) => setTimeout(() => rej(new Error(`no ready line: ${stderr}`)), 15_000))]));
    assert.deepEqual(line, { ready: true, ap_id: AP, client_id: `gw-${AP}`, locks: [1000001, 1000003, 1000011], mqtt: `mqtt://127.0.0.1:${port}` });
    assert.match(stderr, /cannot join .* yet/);
    probe = await CloudProbe.connect(broker.url, 'pw');
    const status = await probe.waitFor((m) => m.topic.endsWith('/status'), 2000, 'the retained status');
    assert.equal(status.retain, true);
    await probe.send(AP, { id: 'p1', lock_id: 1000001, op: 'state', args: {} });
    const ack = await probe.waitFor((m) => m.topic.endsWith('/ack'), 2000, 'the ack');
    assert.equal((ack.body as { result: string }).result, 'ok');
    await probe.send(AP, { id: 'p2', lock_id: 4242, op: 'unlock', args: {} });
    const unreachable = await probe.waitFor((m) => (m.body as { id?: string }).id === 'p2', 2000, 'the second ack');
    assert.equal((unreachable.body as { result: string }).result, 'unreachable');
    child.kill('SIGTERM');
    const [code] = await exited;
    assert.equal(code, 0, stderr);
    await probe.waitFor((m) => m.topic.endsWith('/status') && (m.body as { online: boolean }).online === false, 2000, 'offline');
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await probe?.close();
    await broker?.close();
  }
});
