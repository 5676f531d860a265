/**
 * The soak's fault rates (issue text: "every tenth command times out, pushes fail 5 % of the time,
 * latency 20 ms ± 15"), set the way an integrator sets them: through the world's control API
 * (sim/world/control-faults.ts), drawn from the world's seed, and what they injected read back from
 * `GET /stats`.
 */
import type { World } from '../sim/world/world.ts';

/** The rates of the campaign, as control-API bodies. */
export const SOAK_RATES = {
  gateway: { drop_rate: 0.1, latency_ms: { mean: 20, jitter: 15 } },
  sink: { fail_rate: 0.05, status: 503 },
  radio: { loss_rate: 0.05 },
} as const;

/** The same knobs back at zero (before the settling, so the figures count the load's faults only). */
const OFF = { gateway: { drop_rate: 0, latency_ms: { mean: 0, jitter: 0 } }, sink: { fail_rate: 0 }, radio: { loss_rate: 0 } };

async function post(world: World, path: string, body: unknown): Promise<void> {
  const res = await fetch(`${world.urls.control}${path}`, { method: 'POST', body: JSON.stringify(body) });
  if (res.status !== 200) throw new Error(`soak: POST ${path} answered ${res.status}: ${await res.text()}`);
}

async function setAll(world: World, knobs: { gateway: object; sink: object; radio: object }): Promise<void> {
  for (const ap of world.gateways.keys()) await post(world, `/gateways/${ap}`, knobs.gateway);
  for (const lockId of world.locks.keys()) await post(world, `/locks/${lockId}`, knobs.radio);
  await post(world, '/push/faults', knobs.sink);
}

/** Switch the campaign's rates on. */
export function ratesOn(world: World): Promise<void> {
  return setAll(world, SOAK_RATES);
}

/** Switch them off again. */
export function ratesOff(world: World): Promise<void> {
  return setAll(world, OFF);
}

/** What the rates injected, summed over gateways and radios. */
export interface RateFigures {
  commandsDropped: number;
  delays: number;
  meanDelayMs: number;
  pushesRefused: number;
  radioLosses: number;
}

type Injected = {
  gateways: Record<string, { commands_dropped: number; delays: number; delay_ms_total: number }>;
  sink: { refused: number };
  radios: Record<string, { lost: number }>;
};

/** The `injected` counters of `GET /stats`, summed. */
export async function rateFigures(world: World): Promise<RateFigures> {
  const stats = (await (await fetch(`${world.urls.control}/stats`)).json()) as { injected: Injected };
  const gws = Object.values(stats.injected.gateways);
  const delays = gws.reduce((n, g) => n + g.delays, 0);
  return {
    commandsDropped: gws.reduce((n, g) => n + g.commands_dropped, 0),
    delays,
    meanDelayMs: delays === 0 ? 0 : Math.round((gws.reduce((n, g) => n + g.delay_ms_total, 0) / delays) * 10) / 10,
    pushesRefused: stats.injected.sink.refused,
    radioLosses: Object.values(stats.injected.radios).reduce((n, r) => n + r.lost, 0),
  };
}
