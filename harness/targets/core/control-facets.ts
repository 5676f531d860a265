import type { ControlClient } from './control-client.ts';
import type { GatewaysFacet, InboxPush, PushesFacet } from './facets.ts';

/**
 * The pushes facet over a world's control API (DESIGN §8 `GET /push`, `POST /push/faults`; §9 `GET /quiet`):
 * one for every target that has one. `quiet`: whether the target's `settled()` may wait for the world's quiet
 * and whether that covers every sender (see `QuietSignal`); absent, it keeps its real-time window.
 */
export function pushesFacet(ctl: ControlClient, quiet?: { coversSenders(): boolean }): PushesFacet {
  return {
    list: () => ctl.call<InboxPush[]>('GET', '/push'),
    failNext: async (count, status) => {
      await ctl.call('POST', '/push/faults', { fail_next: count, status });
    },
    ...(quiet ? { quiet: { coversSenders: () => quiet.coversSenders(), wait: (withinMs: number) => waitQuiet(ctl, withinMs) } } : {}),
  };
}

/** One `GET /quiet` that waits in the world (no polling over HTTP): whether the world could tell; what is still in flight when it gives up. */
async function waitQuiet(ctl: ControlClient, withinMs: number): Promise<boolean> {
  const view = await ctl.call<{ quiet: boolean; known: boolean; pending: string[] }>('GET', `/quiet?within_ms=${Math.max(0, Math.round(withinMs))}`);
  if (view.quiet || !view.known) return view.known;
  throw new Error(`the world did not go quiet within ${withinMs} ms (DESIGN §9 GET /quiet): ${view.pending.join('; ')}`);
}

/** The gateways facet over a world's control API (DESIGN §8 `POST /gateways/{ap_id}`). */
export function gatewaysFacet(ctl: ControlClient): GatewaysFacet {
  return { set: (apId, knobs) => ctl.call('POST', `/gateways/${apId}`, knobs) };
}
