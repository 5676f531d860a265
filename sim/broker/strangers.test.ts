import { test } from 'node:test';
import assert from 'node:assert/strict';
import mqtt, { type MqttClient } from 'mqtt';
import { Broker } from './broker.ts';
import { MAX_DELAY_MS, Strangers } from './strangers.ts';
import { connect as kitConnect, GW, withBroker } from './broker.test-kit.ts';
import { waitUntil } from '../io/index.ts';

// DESIGN §4 security, TEST-PLAN GWP-06 and SEC-01: a CONNECT without valid credentials proves nothing about
// the name it offers. It is reported apart, never on the record of the client that name belongs to, and
// however many arrive the broker's records stay bounded.

/** Refusals may be slowed (strangers.ts): a longer CONNECT wait than the kit's. */
const open = (broker: Broker, clients: MqttClient[], opts: mqtt.IClientOptions): Promise<MqttClient> => kitConnect(broker, clients, opts, 2000);

const T = { timeout: 20_000 };
test('a stranger offering gw:7 with a wrong password leaves gw:7\'s record clean and is reported apart, with its address', T, () =>
  withBroker(async (broker, clients) => {
    await open(broker, clients, { ...GW, clientId: 'gw-7' });
    await assert.rejects(open(broker, clients, { username: 'gw:7', password: 'wrong', clientId: 'stranger' }));
    await assert.rejects(open(broker, clients, { clientId: 'anon' }));
    await waitUntil('both refusals', () => broker.strangers().refused === 2, { timeoutMs: 1000 });
    const r = broker.clientRecords()['gw:7']!;
    assert.deepEqual({ refused: r.refused, errors: r.errors, refusals: r.refusals }, { refused: { connect: 0, publish: 0, subscribe: 0 }, errors: 0, refusals: [] });
    assert.equal(broker.clientRecords()[''], undefined, 'no record for the anonymous client');
    const s = broker.strangers();
    assert.deepEqual(s.byReason, { bad_credentials: 1, anonymous: 1 });
    assert.deepEqual(s.last, ['refused CONNECT offering gw:7 from 127.0.0.1: bad password', 'refused CONNECT offering (no username) from 127.0.0.1: no username']);
  }));

test('an authenticated gateway\'s message outside the contract (lock_time 1e300) is named on its record', T, () =>
  withBroker(async (broker, clients) => {
    const gw = await open(broker, clients, GW);
    await gw.publishAsync('kexin/v1/gw/7/event', JSON.stringify({ event_id: 1, lock_id: 3, type: 'unlock', mode: 1, result: 1, uid: 0, lock_time: 1e300 }), { qos: 1 });
    await gw.publishAsync('kexin/v1/gw/7/event', JSON.stringify({ event_id: 2, lock_id: 3, type: 'tamper', is_abnormal: false }), { qos: 1 });
    const r = broker.clientRecords()['gw:7']!;
    assert.equal(r.malformed, 1);
    assert.match(r.malformedMessages[0]!, /^event \{.*"lock_time":1e\+300.*\}: lock_time must be/);
  }));

test('500 refused CONNECTs offering 500 names make no per-name record; what the broker keeps of them is bounded', T, () =>
  withBroker(async (broker, clients) => {
    for (let i = 0; i < 500; i++) {
      await assert.rejects(open(broker, clients, { username: `gw:${100_000 + i}`, password: 'x', clientId: `s${i}` }));
    }
    await waitUntil('500 refusals', () => broker.stats.refusedConnect === 500, { timeoutMs: 2000 });
    assert.equal(Object.keys(broker.clientRecords()).length, 0);
    assert.equal(broker.strangers().refused, 500);
    assert.ok(JSON.stringify(broker.strangers()).length < 8_000, 'strangers view bounded');
  }, { slowStrangers: false }));

test('20,000 refusals with distinct names and addresses: the view stays bounded in size', () => {
  const s = new Strangers();
  for (let i = 0; i < 20_000; i++) s.refuse(`gw:${i}-${'x'.repeat(64)}`, `10.0.${i >> 8}.${i & 255}`, 'bad_credentials');
  const v = s.view();
  assert.equal(v.refused, 20_000);
  assert.ok(JSON.stringify(v).length < 16_000, `${JSON.stringify(v).length} bytes`);
  assert.ok(Object.keys(v.offering).length <= 64);
  assert.ok(v.last.length <= 32);
});

test('one address that keeps failing is answered later and later (capped); another address and a success are not slowed', () => {
  const s = new Strangers();
  const delays = Array.from({ length: 200 }, () => s.refuse('gw:7', '10.0.0.9', 'bad_credentials'));
  assert.equal(delays[0], 0);
  assert.ok(delays[20]! > 0 && delays[20]! < delays[40]!);
  assert.equal(delays[199], MAX_DELAY_MS);
  assert.equal(s.refuse('gw:7', '10.0.0.10', 'bad_credentials'), 0);
  s.authenticated('10.0.0.9');
  assert.equal(s.refuse('gw:7', '10.0.0.9', 'bad_credentials'), 0);
  assert.ok(s.view().slowed > 0);
});
