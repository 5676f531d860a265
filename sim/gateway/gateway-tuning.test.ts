import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tuningOf } from './gateway-tuning.ts';

const base = { secret: 's', mqttUrl: 'mqtt://127.0.0.1:1' };

test('gateways made with the same options share one frozen tuning, with the defaults GatewayOptions names (DESIGN §13 memory per gateway session)', () => {
  const a = tuningOf({ ...base, apId: 1, lockTimeoutMs: 2000 });
  const b = tuningOf({ ...base, apId: 2 });
  assert.equal(a, b, 'the default lockTimeoutMs given or not: one object');
  assert.ok(Object.isFrozen(a));
  assert.deepEqual({ ...a }, {
    lockTimeoutMs: 2000, keepaliveS: 10, reconnectPeriodMs: 200, connectTimeoutMs: 5000, firstEventId: 1, eventBufferMax: 1000, clientId: undefined,
    eventIds: 'per-gateway', eventOrder: 'ack-first', cleanSession: true, statusRepeats: 0, ackLatencyMs: 0, log: undefined,
  });
  assert.notEqual(tuningOf({ ...base, apId: 3, lockTimeoutMs: 300 }), a, 'other values: another tuning');
});

test('a gateway with its own log or client id gets its own tuning', () => {
  const log = (): void => {};
  assert.notEqual(tuningOf({ ...base, apId: 1, log }), tuningOf({ ...base, apId: 2, log }));
  assert.notEqual(tuningOf({ ...base, apId: 1, clientId: 'x' }), tuningOf({ ...base, apId: 1, clientId: 'x' }));
});

test('a bad eventBufferMax is refused at once, naming the field, not at the first event', () => {
  for (const bad of [0, -1, 1.5, Number.NaN]) {
    assert.throws(() => tuningOf({ ...base, apId: 9, eventBufferMax: bad }), (err: Error) => err instanceof RangeError && /gateway 9: eventBufferMax/.test(err.message));
  }
});
