import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { Broker } from '../../sim/broker/broker.ts';
import { CloudProbe } from '../../sim/gateway/gateway.test-kit.ts';
import type { Received } from '../../sim/gateway/gateway.test-kit.ts';
import { waitUntil } from '../../sim/io/index.ts';
import { stopChild } from '../../sim/io/child-exit.ts';
import { LOCK_ID, ptyPair, ptyPaths, serialLock, startReady, type Started } from './pty.test-kit.ts';

// Issue "a device under test is untrusted", item 1 on the lab path: a lock's lockwire event with
// lock_time 1e300 once ended `npm run bridge`. Now the bridge drops it, says on stderr that the device
// sent it, forwards nothing of it, and keeps serving — over real ptys, with the lock and the bridge as
// separate processes and a real broker.

const AP = 7;
const ackOf = (id: string) => (m: Received): boolean => m.topic === `kexin/v1/gw/${AP}/ack` && (m.body as { id?: string }).id === id;

/** `bin/bridge.ts` on `serial`, its secret from the environment (never argv), once it printed its ready line. */
function bridge(serial: string, mqttUrl: string): Promise<Started> {
  return startReady('bridge.ts', ['--serial', serial, '--ap-id', String(AP), '--mqtt', mqttUrl, '--lock-timeout-ms', '1000'], { ready: true, ap_id: AP, lock_id: LOCK_ID }, { LOCKBENCH_GATEWAY_SECRET: 'gw-secret' });
}

test('npm run bridge: a lock\'s unlock event with lock_time 1e300 is dropped and named; the bridge keeps serving and exits 0', { timeout: 40_000 }, async (t) => {
  const paths = ptyPaths(t);
  if (!paths) return;
  const { dir, hostPath, lockPath } = paths;
  const broker = await Broker.create({ cloudPassword: 'cloud-pw', gatewaySecret: (id) => (id === AP ? 'gw-secret' : undefined) });
  const probe = await CloudProbe.connect(broker.url, 'cloud-pw');
  const socat = await ptyPair(hostPath, lockPath);
  let lock: Started | undefined;
  let gw: Started | undefined;
  let bridgeExit: number | null = 0;
  try {
    lock = await serialLock(lockPath, ['--defects', 'serial-event-lock-time-out-of-range']);
    gw = await bridge(hostPath, broker.url);
    await probe.send(AP, { id: 'u1', lock_id: LOCK_ID, op: 'unlock', args: {} });
    await probe.waitFor(ackOf('u1'), 5000, 'the unlock\'s ack');
    await waitUntil('the bridge to name the device\'s event', () => gw!.stderr().includes('the device sent event'), { timeoutMs: 5000, seen: () => gw!.stderr() });
    assert.match(gw.stderr(), /the device sent event \{[^\n]*"lock_time":1e\+300[^\n]*: lock_time must be/);
    assert.deepEqual(probe.on(AP, 'event'), [], 'nothing of it reached the broker');
    await probe.send(AP, { id: 's1', lock_id: LOCK_ID, op: 'state', args: {} });
    await probe.waitFor(ackOf('s1'), 5000, 'a later command\'s ack');
    assert.equal((probe.received.find(ackOf('s1'))!.body as { result: string }).result, 'ok');
    assert.equal(gw.child.exitCode, null, 'the bridge is still running');
  } finally {
    if (gw) bridgeExit = await stopChild(gw.child, 5000);
    if (lock) await stopChild(lock.child, 3000);
    await stopChild(socat, 2000);
    await probe.close();
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(bridgeExit, 0, `the bridge exits 0 on SIGTERM; stderr: ${gw?.stderr()}`);
});
