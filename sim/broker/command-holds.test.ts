import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MqttClient } from 'mqtt';
import { CommandHolds } from './command-holds.ts';
import { GW, connect, withBroker } from './broker.test-kit.ts';

// TEST-PLAN GW-03's lever (DESIGN §12): the broker holds the cloud's next command to one gateway.

const CMD7 = 'kexin/v1/gw/7/cmd';
const T = { timeout: 5000 };

test('a hold is used by the next command to its gateway only, once; acks, other gateways and an expired hold are not held', () => {
  let now = 1000;
  const holds = new CommandHolds(() => now);
  const routed: string[] = [];
  const route = (name: string) => () => void routed.push(name);
  holds.arm(7, 10_000, 2000);
  assert.equal(holds.hold('kexin/v1/gw/7/ack', route('ack')), false, 'not a command');
  assert.equal(holds.hold('kexin/v1/gw/8/cmd', route('gw8')), false, 'another gateway');
  assert.equal(holds.hold(CMD7, route('first')), true);
  assert.equal(holds.hold(CMD7, route('second')), false, 'only the next command');
  assert.deepEqual(routed, [], 'the held command waits');
  assert.equal(holds.release(7), 1);
  assert.deepEqual(routed, ['first'], 'released: routed once');
  assert.equal(holds.release(7), 0);
  assert.deepEqual(routed, ['first']);
  holds.arm(7, 10_000, 2000);
  now += 2001;
  assert.equal(holds.hold(CMD7, route('late')), false, 'a hold no command used within within_ms lapses');
  holds.arm(7, 10_000, 2000);
  holds.clear();
  assert.equal(holds.hold(CMD7, route('cleared')), false, 'cleared');
  holds.arm(7, 10_000, 2000);
  assert.equal(holds.release(7), 0);
  assert.equal(holds.hold(CMD7, route('after release')), false, 'a release forgets an unused hold');
  assert.throws(() => holds.arm(7, 0, 2000), /hold_ms must be an integer 1…10000/);
  assert.throws(() => holds.arm(7, 300, 1.5), /within_ms must be an integer 1…60000/);
});

/** Milliseconds from publishing `payload` as the cloud until the gateway receives it. */
async function deliveryMs(cloud: MqttClient, gw: MqttClient, payload: string): Promise<number> {
  const started = performance.now();
  const arrived = new Promise<number>((resolve) => {
    const on = (_t: string, p: Buffer): void => {
      if (p.toString() !== payload) return;
      gw.off('message', on);
      resolve(performance.now() - started);
    };
    gw.on('message', on);
  });
  cloud.publish(CMD7, payload, { qos: 1 });
  return arrived;
}

test('over TCP: the held command reaches the gateway only after the hold, the one after it at once', T, () =>
  withBroker(async (broker, clients) => {
    const cloud = await connect(broker, clients, { username: 'cloud', password: 'cloud-pw', clientId: 'cloud-1' });
    const gw = await connect(broker, clients, { ...GW, clientId: 'gw-7' });
    await gw.subscribeAsync(CMD7, { qos: 1 });
    const HOLD_MS = 300;
    broker.holdNextCommand(7, HOLD_MS, 5000);
    const held = await deliveryMs(cloud, gw, '{"n":1}');
    assert.ok(held >= HOLD_MS - 1, `the held command arrived after ${held.toFixed(1)} ms, before its ${HOLD_MS} ms hold`);
    const next = await deliveryMs(cloud, gw, '{"n":2}');
    assert.ok(next < HOLD_MS, `the next command took ${next.toFixed(1)} ms: it was held too`);
  }));
