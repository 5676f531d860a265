import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accuracyVerdict, driftPpm, findEdge, type Reading } from './clock-accuracy.ts';

/**
 * A simulated device on simulated host time: its second turns at phase + k·1000/(1 + ppm·1e-6) ms,
 * each reading takes `rttMs`, and the device samples its clock at a random point inside the trip.
 */
function device(ppm: number, phaseMs: number, rttMs: number, seed = 1) {
  let now = 0;
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const secondAt = (t: number) => 1_700_000_000 + Math.floor(((t - phaseMs) * (1 + ppm * 1e-6)) / 1000);
  return {
    nowMs: () => now,
    sleep: async (ms: number) => { now += ms; },
    read: async (): Promise<Reading> => {
      const sentMs = now;
      const sampled = now + rand() * rttMs;
      now += rttMs;
      return { lockTime: secondAt(sampled), sentMs, receivedMs: now };
    },
  };
}

async function measure(ppm: number, phaseMs: number, rttMs: number, seed: number, spanMs = 32_000) {
  const d = device(ppm, phaseMs, rttMs, seed);
  const a = await findEdge(d.read, d);
  await d.sleep(spanMs);
  const b = await findEdge(d.read, d);
  return driftPpm(a, b);
}

test('a correct clock never fails for quantisation, whatever its phase and round trip (TEST-PLAN LAB-05)', async () => {
  for (let seed = 1; seed <= 40; seed++) {
    const m = await measure(0, (seed * 137) % 1000, 1 + (seed % 6), seed);
    assert.ok(Math.abs(m.ppm) <= m.uncertaintyPpm, `seed ${seed}: ${m.ppm} ± ${m.uncertaintyPpm}`);
    assert.equal(accuracyVerdict(m, 50).pass, true);
  }
});

test('a clock 0.5 % off fails within a one-minute run; the measured ppm brackets the truth', async () => {
  for (const ppm of [5000, -5000]) {
    const m = await measure(ppm, 300, 3, 7);
    assert.ok(Math.abs(m.ppm - ppm) <= m.uncertaintyPpm, `${ppm}: measured ${m.ppm} ± ${m.uncertaintyPpm}`);
    const v = accuracyVerdict(m, 50);
    assert.equal(v.pass, false, v.reason);
  }
});

test('the uncertainty over 32 s with a few-ms round trip is far below a 0.5 % error', async () => {
  const m = await measure(20, 500, 4, 3);
  assert.ok(m.uncertaintyPpm < 1000, `uncertainty ${m.uncertaintyPpm}`);
  assert.equal(accuracyVerdict(m, 50).pass, true);
});

test('a clock that does not move is an error naming the second it stayed at', async () => {
  let now = 0;
  await assert.rejects(
    findEdge(async () => ({ lockTime: 42, sentMs: now, receivedMs: (now += 2) }), { nowMs: () => now, sleep: async (ms) => { now += ms; }, maxMs: 2000 }),
    /stayed at 42/,
  );
});
