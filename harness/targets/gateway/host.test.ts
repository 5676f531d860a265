import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualGateway } from '../../../sim/gateway/index.ts';
import { diagnose, startGatewayHost, waitForGateway } from './host.ts';
import { gatewaySettings, SettingError } from './settings.ts';

// DESIGN §12: settings stop the run naming the variable; the wait retries while the gateway connects
// and, on timeout, says what the broker saw.

const ENV = {
  LOCKBENCH_MQTT_HOST: '127.0.0.1', LOCKBENCH_MQTT_PORT: '0', LOCKBENCH_GATEWAY_AP_ID: '7001', LOCKBENCH_GATEWAY_SECRET: 's3cret',
  LOCKBENCH_LOCK_ID: '3001', LOCKBENCH_LOCK_SECRET: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
};
const T = { timeout: 15_000 };

test('settings: each missing or malformed variable is named', () => {
  for (const name of ['LOCKBENCH_GATEWAY_AP_ID', 'LOCKBENCH_GATEWAY_SECRET', 'LOCKBENCH_LOCK_ID', 'LOCKBENCH_LOCK_SECRET']) {
    const env: Record<string, string> = { ...ENV };
    delete env[name];
    assert.throws(() => gatewaySettings(env), (e: Error) => e instanceof SettingError && e.message.includes(name), name);
  }
  assert.throws(() => gatewaySettings({ ...ENV, LOCKBENCH_MQTT_PORT: 'x' }), /LOCKBENCH_MQTT_PORT must be an integer/);
  assert.throws(() => gatewaySettings({ ...ENV, LOCKBENCH_LOCK_IDS: '3001,abc' }), /LOCKBENCH_LOCK_IDS must be lock ids/);
  assert.throws(() => gatewaySettings({ ...ENV, LOCKBENCH_LOCK_SECRET: 'xyz' }), /32 hex digits/);
  const s = gatewaySettings({ ...ENV, LOCKBENCH_MQTT_PORT: undefined, LOCKBENCH_MQTT_HOST: undefined, LOCKBENCH_LOCK_IDS: '3001, 3002' });
  assert.deepEqual([s.mqttHost, s.mqttPort, s.lockIds, s.waitS, s.ackTimeoutMs], ['0.0.0.0', 1883, [3001, 3002], 60, 3000]);
});

async function withHost(body: (h: Awaited<ReturnType<typeof startGatewayHost>>) => Promise<void>): Promise<void> {
  // Port 0 only here: the unit test needs a free port; a real run gets a fixed one.
  const settings = { ...gatewaySettings({ ...ENV, LOCKBENCH_MQTT_PORT: '1' }), mqttPort: 0 };
  const host = await startGatewayHost(settings);
  try {
    await body(host);
  } finally {
    await host.world.close();
  }
}

test('no CONNECT at all: the wait fails once saying so', T, () =>
  withHost(async ({ world }) => {
    await assert.rejects(waitForGateway(world, 7001, 1), /timed out after 1000 ms waiting for gateway target: gateway 7001 online \(LOCKBENCH_GATEWAY_WAIT_S\); the broker saw:[\s\S]*no CONNECT at all/);
  }));

test('a wrong secret: the refusal and its reason are reported', T, () =>
  withHost(async ({ world, info }) => {
    await assert.rejects(VirtualGateway.create({ apId: 7001, secret: 'wrong', mqttUrl: info.mqtt, connectTimeoutMs: 500 }));
    assert.match(diagnose(world, 7001), /refused CONNECT offering gw:7001 from [^:]+: bad password/);
  }));

test('connected but the status is not retained: reported', T, () =>
  withHost(async ({ world, info }) => {
    const gw = await VirtualGateway.create({ apId: 7001, secret: 's3cret', mqttUrl: info.mqtt, defects: ['gateway-status-not-retained'] });
    try {
      await assert.rejects(waitForGateway(world, 7001, 1), /without the retain flag/);
    } finally {
      await gw.close();
    }
  }));

test('a gateway that connects late is waited for, then the cloud knows it online', T, () =>
  withHost(async ({ world, info }) => {
    const wait = waitForGateway(world, 7001, 10);
    await new Promise((r) => setTimeout(r, 300));
    const gw = await VirtualGateway.create({ apId: 7001, secret: 's3cret', mqttUrl: info.mqtt });
    try {
      await wait;
      assert.equal(world.cloud!.gatewayOnline(7001), true);
      assert.equal(world.gateways.size, 0);
    } finally {
      await gw.close();
    }
  }));
