import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseVariant, gatewayOptionsOf, type ChosenVariant } from './gateway-variant.ts';
import { DEFAULT_GATEWAY_VARIANT, drawGatewayVariant } from '../sim/variants/gateway.ts';

// Issue 20: `npm run gateway -- --variant SEED [--variant-set k=v,…]`; the named switches still work.

const chosen = (f: Parameters<typeof chooseVariant>[0]): ChosenVariant => {
  const c = chooseVariant(f);
  if ('error' in c) throw new Error(c.error);
  return c;
};

test('no variant: the virtual gateway\'s own choices, --reconnect-ms as the back-off, the named switches on top', () => {
  assert.deepEqual(chosen({ reconnectMs: 500 }).variant, DEFAULT_GATEWAY_VARIANT);
  const c = chosen({ reconnectMs: 200, eventIds: 'per-connection', eventOrder: 'events-first' });
  assert.deepEqual(c.variant, { ...DEFAULT_GATEWAY_VARIANT, backoff: 200, 'event-ids': 'per-connection', order: 'events-first' });
  assert.equal(c.seed, undefined);
  assert.match(c.line, /^variant default: event-ids=per-connection order=events-first backoff=200ms /);
});

test('--variant SEED is the drawn variant whatever --reconnect-ms says; --variant-set overrides one freedom; the line names the seed', () => {
  const c = chosen({ variant: '17', reconnectMs: 200 });
  assert.deepEqual(c.variant, drawGatewayVariant(17).variant);
  assert.match(c.line, /^variant 17: event-ids=/);
  const d = chosen({ variant: '17', reconnectMs: 200, set: 'backoff=5000ms,extras=yes' });
  assert.deepEqual(d.variant, { ...drawGatewayVariant(17).variant, backoff: 5000, extras: true });
});

test('a bad seed or override is an error naming the flag', () => {
  assert.match((chooseVariant({ variant: 'x', reconnectMs: 1 }) as { error: string }).error, /--variant must be a seed/);
  assert.match((chooseVariant({ variant: '1', set: 'clean=maybe', reconnectMs: 1 }) as { error: string }).error, /--variant-set: clean/);
  assert.match((chooseVariant({ eventIds: 'per-lock', reconnectMs: 1 }) as { error: string }).error, /--event-ids.*event-ids/);
});

test('every freedom reaches the gateway\'s options', () => {
  const v = { 'event-ids': 'per-connection', order: 'events-first', backoff: 0, keepalive: 60, clean: false, 'status-dups': 2, extras: true, 'ack-latency': 400 } as const;
  assert.deepEqual(gatewayOptionsOf(v), {
    eventIds: 'per-connection', eventOrder: 'events-first', reconnectPeriodMs: 0, keepaliveS: 60, cleanSession: false, statusRepeats: 2, extraFields: true, ackLatencyMs: 400,
  });
});
