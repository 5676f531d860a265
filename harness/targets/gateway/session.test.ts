import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorldClock } from '../../../sim/clock/index.ts';
import { RadioLink, VirtualGateway } from '../../../sim/gateway/index.ts';
import { defaultLockSpec, VirtualLock } from '../../../sim/lock/lock.ts';
import { startGatewayHost } from './host.ts';
import { gatewaySettings } from './settings.ts';
import { GatewaySession } from './session.ts';

// DESIGN §12 between tests: a gateway that vanished is waited for (bounded), then every lock is
// settled through the API; a gateway that does not come back fails the reset naming the bound.

const ENV = {
  LOCKBENCH_MQTT_HOST: '127.0.0.1', LOCKBENCH_GATEWAY_AP_ID: '7001', LOCKBENCH_GATEWAY_SECRET: 's3cret',
  LOCKBENCH_LOCK_ID: '3001', LOCKBENCH_LOCK_SECRET: 'a1b2c3d4e5f60718293a4b5c6d7e8f90', LOCKBENCH_GATEWAY_WAIT_S: '2',
};

test('reset waits for a gateway that is away, then settles its lock; without it the reset fails naming the wait', { timeout: 20_000 }, async () => {
  // Port 0 only in this unit test (a free port); a real run has a fixed one.
  const host = await startGatewayHost({ ...gatewaySettings(ENV), mqttPort: 0 });
  const session = new GatewaySession('kexin-2017-03', host.info);
  let gw: VirtualGateway | undefined;
  try {
    await assert.rejects(session.reset(), /timed out after 2000 ms waiting for gateway target: gateway 7001 back online \(LOCKBENCH_GATEWAY_WAIT_S\)/);
    const lock = new VirtualLock(defaultLockSpec({ lockId: 3001, secretHex: ENV.LOCKBENCH_LOCK_SECRET }), new WorldClock(1_700_000_000));
    lock.execute({ op: 'pwd_add', args: { uid: 9, password: '123456', start: 0, end: 2_000_000_000 } });
    const later = new Promise((r) => setTimeout(r, 500)).then(async () => {
      gw = await VirtualGateway.create({ apId: 7001, secret: 's3cret', mqttUrl: host.info.mqtt, links: [new RadioLink(lock)] });
    });
    await session.reset();
    await later;
    assert.equal(lock.keypad('123456'), 'bad_password', 'settled: the user password is gone');
    // A lock the gateway cannot reach fails the settle loudly (DESIGN §3.1: unreachable is 360).
    gw!.removeLink(3001);
    await assert.rejects(session.reset(), /settling lock 3001 \(v2\/lock\/pwd\/del uid 0\) answered 360/);
  } finally {
    await gw?.close();
    await host.world.close();
  }
});
