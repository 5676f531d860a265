import type { ControlClient } from './control-client.ts';
import type { GatewaysFacet, InboxPush, PushesFacet } from './facets.ts';

/** The pushes facet over a world's control API (DESIGN §8 `GET /push`, `POST /push/faults`): one for every target that has one. */
export function pushesFacet(ctl: ControlClient): PushesFacet {
  return {
    list: () => ctl.call<InboxPush[]>('GET', '/push'),
    failNext: async (count, status) => {
      await ctl.call('POST', '/push/faults', { fail_next: count, status });
    },
  };
}

/** The gateways facet over a world's control API (DESIGN §8 `POST /gateways/{ap_id}`). */
export function gatewaysFacet(ctl: ControlClient): GatewaysFacet {
  return { set: (apId, knobs) => ctl.call('POST', `/gateways/${apId}`, knobs) };
}
