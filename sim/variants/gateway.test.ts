import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeVariant, overrideVariant } from './freedom.ts';
import { DEFAULT_GATEWAY_VARIANT, drawGatewayVariant, GATEWAY_FREEDOMS, GATEWAY_ACK_LATENCY_MAX_MS, GATEWAY_BACKOFF_MAX_MS, type GatewayVariant } from './gateway.ts';

// Issue 20: the gateway's freedoms (DESIGN §3.4, §4, §12) as a seeded table; a seed replays its variant.

const SEEDS = Array.from({ length: 300 }, (_, i) => i * 7919 + 1);

test('a seed draws the same variant every time, and its line parses back to it', () => {
  for (const seed of SEEDS.slice(0, 20)) {
    const a = drawGatewayVariant(seed);
    assert.deepEqual(drawGatewayVariant(seed), a);
    const line = describeVariant(GATEWAY_FREEDOMS, a.variant);
    assert.deepEqual(overrideVariant(GATEWAY_FREEDOMS, DEFAULT_GATEWAY_VARIANT, line.replaceAll(' ', ',')), a.variant, line);
  }
});

test('every draw stays inside the contract, and over many seeds every choice turns up, both ends of each range near', () => {
  const drawn = SEEDS.map((s) => drawGatewayVariant(s).variant);
  const values = <K extends keyof GatewayVariant>(k: K) => drawn.map((v) => v[k]);
  assert.deepEqual(new Set(values('event-ids')), new Set(['per-gateway', 'per-connection']));
  assert.deepEqual(new Set(values('order')), new Set(['ack-first', 'events-first']));
  assert.deepEqual(new Set(values('clean')), new Set([true, false]));
  assert.deepEqual(new Set(values('extras')), new Set([true, false]));
  assert.deepEqual(new Set(values('status-dups')), new Set([0, 1, 2]));
  const inRange = (xs: number[], min: number, max: number) => xs.every((x) => Number.isInteger(x) && x >= min && x <= max);
  assert.ok(inRange(values('backoff'), 0, GATEWAY_BACKOFF_MAX_MS));
  assert.ok(inRange(values('keepalive'), 5, 60));
  assert.ok(inRange(values('ack-latency'), 0, GATEWAY_ACK_LATENCY_MAX_MS));
  // Uniform over the range: a long back-off (the bound the harness must wait through) is drawn.
  assert.ok(Math.max(...values('backoff')) > 4500 && Math.min(...values('backoff')) < 500);
});

test('overrides name a freedom and a value in its range; anything else is an error naming the range', () => {
  const v = overrideVariant(GATEWAY_FREEDOMS, DEFAULT_GATEWAY_VARIANT, 'backoff=5000ms,clean=no,event-ids=per-connection');
  assert.deepEqual(v, { ...DEFAULT_GATEWAY_VARIANT, backoff: 5000, clean: false, 'event-ids': 'per-connection' });
  assert.match((overrideVariant(GATEWAY_FREEDOMS, DEFAULT_GATEWAY_VARIANT, 'backoff=5001') as { error: string }).error, /backoff.*0…5000ms/);
  assert.match((overrideVariant(GATEWAY_FREEDOMS, DEFAULT_GATEWAY_VARIANT, 'speed=3') as { error: string }).error, /unknown freedom "speed"/);
});

test('every freedom cites the DESIGN section that leaves it open', () => {
  for (const [key, f] of Object.entries(GATEWAY_FREEDOMS)) assert.match(f.cite, /DESIGN §\d/, key);
});
