import { test } from 'node:test';
import assert from 'node:assert/strict';
import mqtt, { type MqttClient } from 'mqtt';
import { Broker } from './broker.ts';
import { connect, GW, withBroker } from './broker.test-kit.ts';
import { waitUntil } from '../io/index.ts';

// TEST-PLAN GWP-01, GWP-05, GWP-06: the broker's per-client records and its drop lever.

const T = { timeout: 5000 };
test('a gateway\'s record: client id, will, subscriptions with their QoS, retained status, events by connection', T, () =>
  withBroker(async (broker, clients) => {
    const will = { topic: 'kexin/v1/gw/7/status', payload: Buffer.from('{"online":false}'), qos: 1 as const, retain: true };
    const gw = await connect(broker, clients, { ...GW, clientId: 'gw-7', will });
    await gw.subscribeAsync('kexin/v1/gw/7/cmd', { qos: 1 });
    await gw.publishAsync('kexin/v1/gw/7/status', '{"online":true}', { qos: 1, retain: true });
    await gw.publishAsync('kexin/v1/gw/7/event', '{"event_id":1}', { qos: 1 });
    const r = broker.clientRecords()['gw:7']!;
    assert.equal(r.connected, true);
    assert.equal(r.clientId, 'gw-7');
    assert.deepEqual(r.will, { topic: will.topic, payload: '{"online":false}', qos: 1, retain: true });
    assert.deepEqual(r.subscriptions, [{ topic: 'kexin/v1/gw/7/cmd', qos: 1 }]);
    assert.deepEqual(r.lastStatus, { topic: 'kexin/v1/gw/7/status', payload: '{"online":true}', qos: 1, retain: true });
    assert.deepEqual(r.events, [{ connection: 1, body: '{"event_id":1}' }]);
    assert.deepEqual(r.refused, { connect: 0, publish: 0, subscribe: 0 });
  }));

test('refusals are counted per username with the reason: foreign subscribe, retained cmd; a bad secret is a stranger\'s (strangers.ts)', T, () =>
  withBroker(async (broker, clients) => {
    await assert.rejects(connect(broker, clients, { username: 'gw:7', password: 'wrong' }));
    const gw = await connect(broker, clients, GW);
    // mqtt.js rejects a SUBACK of 0x80 (failure).
    await assert.rejects(gw.subscribeAsync('kexin/v1/gw/8/cmd', { qos: 1 }));
    gw.publish('kexin/v1/gw/7/cmd', '{}', { qos: 1, retain: true });
    await waitUntil('the refused publish', () => broker.clientRecords()['gw:7']!.refused.publish === 1, { timeoutMs: 1000 });
    const r = broker.clientRecords()['gw:7']!;
    assert.deepEqual(r.refused, { connect: 0, publish: 1, subscribe: 1 });
    assert.deepEqual(r.refusals, ['subscribe kexin/v1/gw/8/cmd', 'publish kexin/v1/gw/7/cmd (retain)']);
    assert.deepEqual(broker.strangers().byReason, { bad_credentials: 1 });
  }));

test('garbage after CONNECT ends the connection and counts as an error of that client', T, () =>
  withBroker(async (broker, clients) => {
    const gw = await connect(broker, clients, GW);
    const closed = new Promise<void>((r) => gw.once('close', () => r()));
    // A reserved packet type (0xF0 is AUTH in MQTT 5, invalid in 3.1.1).
    (gw.stream as unknown as { write(b: Buffer): void }).write(Buffer.from([0xf0, 0x00]));
    await closed;
    await waitUntil('the error count', () => broker.clientRecords()['gw:7']!.errors === 1, { timeoutMs: 1000 });
    assert.equal(broker.clientRecords()['gw:7']!.connected, false);
  }));

test('drop cuts a gateway\'s connection without DISCONNECT, so its will is published', T, () =>
  withBroker(async (broker, clients) => {
    const cloud = await connect(broker, clients, { username: 'cloud', password: 'cloud-pw' });
    await cloud.subscribeAsync('kexin/v1/gw/+/status', { qos: 1 });
    const got: string[] = [];
    cloud.on('message', (_t, p) => got.push(p.toString()));
    const will = { topic: 'kexin/v1/gw/7/status', payload: Buffer.from('{"online":false}'), qos: 1 as const, retain: true };
    await connect(broker, clients, { ...GW, will });
    assert.equal(broker.drop('gw:7'), 1);
    await waitUntil('the will', () => got.includes('{"online":false}'), { timeoutMs: 1000 });
    const r = broker.clientRecords()['gw:7']!;
    assert.equal(r.drops, 1);
    assert.equal(broker.drop('gw:9'), 0);
  }));
