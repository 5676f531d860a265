import { test } from 'node:test';
import assert from 'node:assert/strict';
import { driftPpm, findEdge, measureDrift, verdict } from './clock-accuracy.ts';

// TEST-PLAN LAB-05 on a fake bench: a device clock at a given ppm, read over a link with a round trip,
// the device reading its clock at a random point of each call. Host time moves only by the fakes.

/** mulberry32: one seed drives every random choice, printed on failure (STYLE §2). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Bench {
  ppm: number;
  rttMs: number;
  seed: number;
}

function bench({ ppm, rttMs, seed }: Bench) {
  const rand = rng(seed);
  let host = 1000 + rand() * 5000;
  const phaseS = 1_800_000_000 + rand();
  const reads = { n: 0 };
  const hostNowMs = () => host;
  const sleep = async (ms: number) => {
    host += Math.max(0, ms);
  };
  const clockGet = async () => {
    reads.n++;
    const rtt = rttMs * (0.5 + rand());
    const at = rand();
    host += rtt * at;
    const v = Math.floor(phaseS + (host / 1000) * (1 + ppm * 1e-6));
    host += rtt * (1 - at);
    return v;
  };
  return { clockGet, hostNowMs, sleep, reads };
}

async function measure(b: Bench, intervalMs: number) {
  const f = bench(b);
  return measureDrift(f.clockGet, f.hostNowMs, { sleep: f.sleep, intervalMs });
}

test('0 ppm never fails for quantisation over 30 s, whatever the phase and round trip; the bounds hold the truth', async () => {
  for (let seed = 1; seed <= 300; seed++) {
    const rttMs = 1 + (seed % 40);
    const m = await measure({ ppm: 0, rttMs, seed }, 30_000);
    const v = verdict(m, 50);
    assert.ok(v.pass, `seed ${seed}, rtt ${rttMs} ms: ${v.sentence}`);
    assert.ok(Math.abs(m.ppm) <= m.uncertaintyPpm + 1e-9, `seed ${seed}: 0 within ${m.ppm} ± ${m.uncertaintyPpm}`);
    assert.ok(m.intervalS >= 30 && m.intervalS <= 34.5, `interval ${m.intervalS} s`);
  }
});

test('a clock 0.5 % off (±5000 ppm) fails within a one-minute run', async () => {
  for (let seed = 1; seed <= 100; seed++) {
    for (const ppm of [5000, -5000]) {
      const f = bench({ ppm, rttMs: 1 + (seed % 40), seed });
      const t0 = f.hostNowMs();
      const m = await measureDrift(f.clockGet, f.hostNowMs, { sleep: f.sleep, intervalMs: 30_000 });
      const v = verdict(m, 50);
      assert.equal(v.pass, false, `seed ${seed}, ${ppm} ppm: ${v.sentence}`);
      assert.match(v.sentence, /exceeds ±50 ppm/);
      assert.ok(f.hostNowMs() - t0 < 60_000, 'within a minute');
    }
  }
});

test('the ±50 ppm limit is applied beyond the uncertainty: sound bounds, and a fine measurement separates 40 from 100 ppm', async () => {
  for (let seed = 1; seed <= 100; seed++) {
    for (const ppm of [-300, -100, -40, 40, 100, 300, 1000]) {
      const m = await measure({ ppm, rttMs: 0.2, seed }, 60_000);
      assert.ok(Math.abs(m.ppm - ppm) <= m.uncertaintyPpm + 1e-6, `seed ${seed}: ${ppm} within ${m.ppm} ± ${m.uncertaintyPpm}`);
      assert.ok(m.uncertaintyPpm < 30, `uncertainty ${m.uncertaintyPpm} ppm with a 0.2 ms round trip`);
      assert.equal(verdict(m, 50).pass, Math.abs(ppm) < 50, `seed ${seed}, ${ppm} ppm: ${verdict(m, 50).sentence}`);
    }
  }
});

test('an edge is bounded by about one round trip once refined, by the poll interval otherwise', async () => {
  const f = bench({ ppm: 0, rttMs: 4, seed: 7 });
  const fine = await findEdge(f.clockGet, f.hostNowMs, { sleep: f.sleep });
  assert.ok(fine.uncertaintyMs <= 7, `refined ${fine.uncertaintyMs} ms`);
  const coarse = await findEdge(f.clockGet, f.hostNowMs, { sleep: f.sleep, refine: false, pollMs: 100 });
  assert.ok(coarse.uncertaintyMs > 40 && coarse.uncertaintyMs <= 60, `coarse ${coarse.uncertaintyMs} ms`);
});

test('every wait is bounded: a stuck clock, a clock set back or a non-number reading fail naming what happened', async () => {
  let host = 0;
  const now = () => host;
  const sleep = async (ms: number) => {
    host += Math.max(ms, 1);
  };
  await assert.rejects(findEdge(async () => 1_800_000_000, now, { sleep, timeoutMs: 3000 }), /stayed at 1800000000 for 3000 ms/);
  assert.ok(host < 3200, `gave up at ${host} ms`);
  let v = 10;
  await assert.rejects(findEdge(async () => (v -= 1), now, { sleep }), /went back from 9 to 8/);
  await assert.rejects(findEdge(async () => Number.NaN, now, { sleep }), /not a number/);
  assert.throws(() => driftPpm({ lockS: 5, hostMs: 0, uncertaintyMs: 10 }, { lockS: 5, hostMs: 1000, uncertaintyMs: 10 }), RangeError);
});

test('verdict sentences carry the measured ppm, its uncertainty and the interval', () => {
  assert.deepEqual(verdict({ ppm: 12.34, uncertaintyPpm: 200, intervalS: 30.04 }, 50), {
    pass: true, sentence: 'clock drift +12.3 ppm ± 200.0 ppm over 30.0 s: within ±50 ppm',
  });
  assert.equal(verdict({ ppm: -5000, uncertaintyPpm: 300, intervalS: 30 }, 50).sentence, 'clock drift −5000.0 ppm ± 300.0 ppm over 30.0 s: exceeds ±50 ppm beyond its uncertainty');
  assert.equal(verdict({ ppm: 120, uncertaintyPpm: 69, intervalS: 30 }, 50).pass, false);
  assert.equal(verdict({ ppm: 120, uncertaintyPpm: 71, intervalS: 30 }, 50).pass, true);
});
