import type { VirtualGateway } from '../gateway/gateway.ts';
import type { LatencySpread } from '../random.ts';
import type { WorldParts } from './world-parts.ts';
import { BadInput } from './json-http.ts';

/**
 * Fault rates on the control API (DESIGN §8 extension; STYLE §3): a gateway's `drop_rate` and
 * `latency_ms: {mean, jitter}`, the push sink's `fail_rate`, each drawn from a fork of the world's
 * seed so the same seed and traffic replay the same faults; what was injected shows in `GET /stats`.
 */

/** Longest latency a gateway knob may add, ms (as the fixed `latency_ms`). */
const MAX_LATENCY_MS = 60_000;

/** A probability in [0, 1] at `field`, or a 400 naming it. */
export function rateOf(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1) throw new BadInput(`${field} must be a probability in 0…1`);
  return v;
}

/** `{"mean": ms, "jitter": ms}` at `field`: jitter at most mean, both in 0…60000. */
export function spreadOf(v: unknown, field: string): LatencySpread {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new BadInput(`${field} must be a number of ms or {"mean": ms, "jitter": ms}`);
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) if (k !== 'mean' && k !== 'jitter') throw new BadInput(`${field}.${k} is not a latency knob (mean, jitter)`);
  const ms = (x: unknown, name: string, max: number): number => {
    if (typeof x !== 'number' || !Number.isFinite(x) || x < 0 || x > max) throw new BadInput(`${field}.${name} must be a number of ms in 0…${max}`);
    return x;
  };
  const meanMs = ms(o.mean, 'mean', MAX_LATENCY_MS);
  const jitterMs = o.jitter === undefined ? 0 : ms(o.jitter, 'jitter', meanMs);
  return { meanMs, jitterMs };
}

/**
 * A gateway's rates from a `POST /gateways/{id}` body: `drop_rate` and a `latency_ms` object (a number
 * stays the fixed latency, control.ts). Either one set anew restarts the gateway's draws from the seed.
 */
export function setGatewayRates(world: WorldParts, gw: VirtualGateway, body: Record<string, unknown>): void {
  const spreadGiven = typeof body.latency_ms === 'object' && body.latency_ms !== null;
  if (!('drop_rate' in body) && !spreadGiven) return;
  const now = gw.faults.settings;
  const rate = 'drop_rate' in body ? rateOf(body.drop_rate, 'drop_rate') : now.rate;
  const spread = spreadGiven ? spreadOf(body.latency_ms, 'latency_ms') : now.latency;
  gw.faults.set(rate, spread, world.seed);
}

/** A gateway's rates as the control API shows them. */
export function gatewayRatesView(gw: VirtualGateway): { drop_rate: number; latency_spread: { mean: number; jitter: number } | null } {
  const { rate, latency } = gw.faults.settings;
  return { drop_rate: rate, latency_spread: latency ? { mean: latency.meanMs, jitter: latency.jitterMs } : null };
}

/** What every rate has injected so far (`GET /stats` `injected`). */
export function injectedView(world: WorldParts): unknown {
  return {
    gateways: Object.fromEntries([...world.gateways].map(([id, g]) => [id, { commands_dropped: g.faults.injected.hits, drawn: g.faults.injected.draws, delays: g.faults.injected.delays, delay_ms_total: g.faults.injected.delayMsTotal }])),
    sink: { refused: world.sink.faults.injected.hits, drawn: world.sink.faults.injected.draws },
    radios: Object.fromEntries([...world.radioFaults].map(([id, d]) => [id, { lost: d.injected.hits, drawn: d.injected.draws }])),
  };
}
