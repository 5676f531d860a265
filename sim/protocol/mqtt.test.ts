import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gatewayClientId, gatewayTopic, namespaceProblem, parseGatewayTopic, topicRoot } from './mqtt.ts';

test('the empty namespace is DESIGN §4 exactly; a namespace prefixes topics and client ids (DESIGN §13)', () => {
  assert.equal(gatewayTopic(7, 'status', ''), 'kexin/v1/gw/7/status');
  assert.equal(gatewayTopic(7, 'cmd', 'w1'), 'w1/kexin/v1/gw/7/cmd');
  assert.equal(topicRoot(''), 'kexin/v1/gw');
  assert.equal(gatewayClientId(7), 'gw-7');
  assert.equal(gatewayClientId(7, 'w1'), 'w1/gw-7');
  assert.deepEqual(parseGatewayTopic('kexin/v1/gw/7/ack'), { ns: '', apId: 7, kind: 'ack' });
  assert.deepEqual(parseGatewayTopic('w-1_x/kexin/v1/gw/7/event'), { ns: 'w-1_x', apId: 7, kind: 'event' });
  for (const t of ['a/b/kexin/v1/gw/7/ack', '+/kexin/v1/gw/7/ack', '/kexin/v1/gw/7/ack', 'kexin/v1/gw/0/ack', 'w1/kexin/v1/gw/7/other']) {
    assert.equal(parseGatewayTopic(t), null, t);
  }
  assert.equal(namespaceProblem(''), null);
  assert.equal(namespaceProblem('w1'), null);
  for (const ns of ['a/b', '+', '#', 'x'.repeat(65), 'é']) assert.ok(namespaceProblem(ns), ns);
});
