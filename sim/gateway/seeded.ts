import { defectsOfRoom, roomDefects } from '../defects.ts';

/** Defect `gateway-slow-ack`: every ack goes out this long after the lock answered, ms (above any ack timeout used). */
const SLOW_ACK_MS = 10_000;

/**
 * Where the gateway's seeded defects (`sim/defects.ts`, room `gateway`) act. The gateway computes
 * each contract step of DESIGN §4 itself and hands its result here; a defect switched on bends it.
 * With no defect every seam returns the contract result, so `gateway.ts` names no defect.
 */
export interface GatewaySeams {
  /** Whether the session carries its last will (DESIGN §4: `online: false`, retained). */
  will: boolean;
  /** Whether the `online` status is published retained (DESIGN §4). */
  statusRetained: boolean;
  /** Whether a redelivered command is answered without acting (DESIGN §4 dedup by `id`). */
  dedupCommands: boolean;
  /** The ack's `id` (DESIGN §4: the command's own). */
  ackId(contractId: string): string;
  /** Extra wait before an ack goes out, ms (contract: none). */
  ackDelayMs: number;
  /** The next `event_id` (DESIGN §4: increasing); `next` takes one from the counter. */
  eventId(next: () => number, first: number): number;
  /** Whether each event is also published on the next gateway's topic (the broker must refuse it; TEST-PLAN GWP-06). */
  strayPublish: boolean;
}

const GATEWAY_DEFECTS = defectsOfRoom('gateway');

const contractAckId = (id: string): string => id;
const contractEventId = (next: () => number): number => next();

/**
 * The seams of a clean gateway: the contract at every step, one frozen set shared by every gateway
 * (a fleet of thousands would otherwise hold thousands of identical objects and closures).
 */
const CONTRACT: GatewaySeams = Object.freeze({
  will: true, statusRetained: true, dedupCommands: true, ackId: contractAckId, ackDelayMs: 0, eventId: contractEventId, strayPublish: false,
});

/** The seams of a gateway seeded with `defects` (other rooms' names ignored, unknown ones refused). */
export function gatewaySeams(defects: readonly string[] = []): GatewaySeams {
  if (defects.length === 0) return CONTRACT;
  const on = roomDefects('gateway', defects);
  if (!GATEWAY_DEFECTS.some((d) => on.has(d))) return CONTRACT;
  return {
    will: !on.has('gateway-no-will'),
    statusRetained: !on.has('gateway-status-not-retained'),
    dedupCommands: !on.has('gateway-double-actuate'),
    ackId: (id) => (on.has('gateway-ack-wrong-id') ? `${id}-x` : id),
    ackDelayMs: on.has('gateway-slow-ack') ? SLOW_ACK_MS : 0,
    eventId: (next, first) => (on.has('gateway-event-id-reuse') ? first : next()),
    strayPublish: on.has('gateway-stray-publish'),
  };
}
