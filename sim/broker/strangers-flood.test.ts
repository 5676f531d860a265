import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectPacket, strangerFlood } from './strangers-flood.ts';
import { GW, connect, withBroker } from './broker.test-kit.ts';

// DESIGN §4 security (TEST-PLAN GWP-06): the flood the gateway check and the soak run against a broker —
// every attempt one CONNECT the broker must refuse, counted by its CONNACK, none let in, and the
// gateway whose name it offers keeps a clean record and its session.

test('the CONNECT packet: MQTT 3.1.1 §3.1 bytes, remaining length as a varint past 127', () => {
  // 10 | len 23 | "MQTT" | level 4 | flags user+password+clean | keep-alive 60 | "c" | "gw:7" | "pw"
  assert.equal(connectPacket('c', 'gw:7', 'pw').toString('hex'), '1017' + '00044d515454' + '04c2003c' + '000163' + '000467773a37' + '00027077');
  const long = connectPacket('c', 'u'.repeat(200), 'pw');
  assert.deepEqual([...long.subarray(0, 3)], [0x10, (219 % 128) | 0x80, 1], 'remaining length 219 = 0xdb 0x01');
  assert.equal(long.length, 3 + 219);
});

test('a flood of 400 stranger CONNECTs from many addresses: all refused, none let in, gw:7 untouched and reported apart', { timeout: 20_000 }, () =>
  withBroker(async (broker, clients) => {
    const gw = await connect(broker, clients, { ...GW, clientId: 'gw-7' });
    const port = Number(new URL(broker.url).port);
    const f = await strangerFlood({ host: '127.0.0.1', port, apId: 7, count: 400, addresses: 100 });
    assert.deepEqual(f, { attempts: 400, refused: 400, accepted: 0, unanswered: 0, offeringGateway: 200 });
    const s = broker.strangers();
    assert.equal(s.refused, 400);
    assert.equal(s.offering['gw:7'], 200);
    const r = broker.clientRecords()['gw:7']!;
    assert.deepEqual(r.refused, { connect: 0, publish: 0, subscribe: 0 });
    assert.equal(gw.connected, true, 'the real gateway keeps its session');
  }));

test('a flood from one address is slowed by the broker; it stops when told', { timeout: 20_000 }, () =>
  withBroker(async (broker) => {
    const port = Number(new URL(broker.url).port);
    const stop = new AbortController();
    const running = strangerFlood({ host: '127.0.0.1', port, apId: 7, addresses: 1, concurrency: 2, signal: stop.signal });
    await new Promise((r) => setTimeout(r, 600));
    stop.abort();
    const f = await running;
    assert.equal(f.accepted, 0);
    assert.ok(f.refused >= 10 && broker.strangers().slowed > 0, `slowed after the free ones: ${JSON.stringify(f)}, ${JSON.stringify(broker.strangers().slowed)}`);
  }));
