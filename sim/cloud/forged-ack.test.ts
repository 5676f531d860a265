import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectAsync } from 'mqtt';
import { gatewayTopic, parseCommand, type Command } from '../protocol/index.ts';
import { AP, APP_ID, LOCK, FakeGateway, startWorld } from './cloud.test-kit.ts';

/** Another gateway, with its own credentials, that has learnt AP's command ids (a leak or a guess). */
const FORGER = 1000009;

test('SEC: an ack from a gateway the command was not sent to is dropped and counted (DESIGN §4)', async () => {
  const w = await startWorld({ ackTimeoutMs: 300 });
  const forger = await FakeGateway.start(w.brokerUrl, FORGER);
  // The test broker has no ACL, so this spy can read AP's commands the way a leak would.
  const spy = await connectAsync(w.brokerUrl, { protocolVersion: 4, reconnectPeriod: 0 }, false);
  try {
    w.gw.answer = () => null; // AP is partitioned: it answers nothing
    await spy.subscribeAsync(gatewayTopic(AP, 'cmd', ''), { qos: 1 });
    spy.on('message', (_t, payload) => {
      const c = parseCommand(payload);
      if (!c.ok) return;
      void forger.raw('ack', JSON.stringify({ id: c.value.id, lock_id: c.value.lock_id, result: 'ok', data: {} }));
    });
    const r = await w.call('/third/lock/open', { app_id: APP_ID, lock_id: LOCK, attach: '' });
    assert.equal(r.body.code, 359, 'the forged ok did not count: the open timed out');
    const pwd = await w.call('/third/v2/lock/pwd/get', { app_id: APP_ID, lock_id: LOCK, uid: 7, effective_at: w.clock.now(), expire: 3600 });
    assert.equal(pwd.body.code, 364);
    assert.equal(w.cloud.assignedPasswords(LOCK).size, 0, 'no password the lock never got');
    assert.ok(w.cloud.stats.acksForged >= 2, `forged acks counted (${w.cloud.stats.acksForged})`);
  } finally {
    await spy.endAsync(true);
    await forger.stop();
    await w.close();
  }
});

test('SEC: command ids are unguessable: random, no shared prefix and counter', async () => {
  const w = await startWorld();
  try {
    for (let i = 0; i < 3; i++) await w.call('/third/lock/open', { app_id: APP_ID, lock_id: LOCK, attach: '' });
    const ids = w.gw.commands.map((c: Command) => c.id);
    assert.equal(ids.length, 3);
    for (const id of ids) assert.match(id, /^[0-9a-f]{32}$/, 'a 128-bit random id');
    assert.equal(new Set(ids).size, 3);
    const common = (a: string, b: string): number => [...a].findIndex((ch, k) => ch !== b[k]);
    assert.ok(common(ids[0]!, ids[1]!) < 8 && common(ids[1]!, ids[2]!) < 8, `no common prefix: ${ids.join(' ')}`);
  } finally {
    await w.close();
  }
});
