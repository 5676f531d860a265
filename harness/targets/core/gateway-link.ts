import type { ControlClient } from './control-client.ts';
import type { ProbeResult } from '../../../sim/cloud/command-probe.ts';
import type { GatewayRecord, LinkFacet } from './facets.ts';

/**
 * The link facet over a world's control API (DESIGN §12; TEST-PLAN GWP-01…06): the broker's record of
 * a gateway, its drop lever, the cloud's command probe and the broker's command hold; `reboot` only where
 * the gateway is simulated.
 */
export function linkFacet(ctl: ControlClient, o: { ackTimeoutMs: number; reconnectWaitMs: number; simulated: boolean }): LinkFacet {
  return {
    ackTimeoutMs: o.ackTimeoutMs,
    reconnectWaitMs: o.reconnectWaitMs,
    async record(apId) {
      const v = await ctl.call<{ cloud_online: boolean; record: GatewayRecord | null }>('GET', `/gateways/${apId}/mqtt`);
      return { cloudOnline: v.cloud_online, record: v.record };
    },
    async drop(apId) {
      return (await ctl.call<{ dropped: number }>('POST', `/gateways/${apId}/drop`)).dropped;
    },
    probe(apId, req) {
      const body = { ...(req.cmd ? { cmd: req.cmd } : { raw: req.raw ?? '' }), copies: req.copies ?? 1, wait_ms: req.waitMs };
      return ctl.call<ProbeResult>('POST', `/gateways/${apId}/probe`, body);
    },
    async holdNextCommand(apId, maxHoldMs) {
      await ctl.call('POST', `/gateways/${apId}/hold`, { hold_ms: maxHoldMs });
    },
    async releaseCommands(apId) {
      return (await ctl.call<{ released: number }>('POST', `/gateways/${apId}/release`)).released;
    },
    ...(o.simulated ? { reboot: async (apId: number) => void (await ctl.call('POST', `/gateways/${apId}`, { reboot: true })) } : {}),
  };
}
