import { defectsOfRoom, roomDefects, seedParts, wrapStep, type WhereActs } from '../defects.ts';

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
  /** The gateways whose `event` topics an event goes to (DESIGN §4: its own only). */
  eventTopicsOf(apId: number): number[];
  /** An unlock event's `lock_time` as sent (DESIGN §6: the lock's, unix seconds in uint32). */
  lockTime(lockTime: number): number;
}

/** The contract itself: every seam as DESIGN §4 has it. */
const CONTRACT_SEAMS: GatewaySeams = Object.freeze({
  will: true,
  statusRetained: true,
  dedupCommands: true,
  ackId: (id: string) => id,
  ackDelayMs: 0,
  eventId: (next: () => number) => next(),
  eventTopicsOf: (apId: number) => [apId],
  lockTime: (t: number) => t,
});

/** Where each of the gateway's seeded defects acts: it bends one seam of the contract's. */
const ACTS: WhereActs<'gateway', GatewaySeams> = {
  'gateway-double-actuate': (s) => {
    s.dedupCommands = false;
  },
  'gateway-no-will': (s) => {
    s.will = false;
  },
  'gateway-event-id-reuse': (s) => wrapStep(s, 'eventId', () => (_next, first) => first),
  'gateway-status-not-retained': (s) => {
    s.statusRetained = false;
  },
  'gateway-ack-wrong-id': (s) => wrapStep(s, 'ackId', (ackId) => (id) => `${ackId(id)}-x`),
  'gateway-slow-ack': (s) => {
    s.ackDelayMs = SLOW_ACK_MS;
  },
  // Also on the next gateway's topic, which the broker must refuse (TEST-PLAN GWP-06).
  'gateway-stray-publish': (s) => wrapStep(s, 'eventTopicsOf', (own) => (apId) => [...own(apId), apId + 1]),
  // Out of every range: the cloud must drop it (not crash) and GWP-06 name the device (DESIGN §4).
  'gateway-lock-time-out-of-range': (s) => wrapStep(s, 'lockTime', () => () => 1e300),
};

/**
 * The seams of a gateway seeded with `defects` (other rooms' names ignored, unknown ones refused).
 * A clean gateway shares the contract's own seams.
 */
export function gatewaySeams(defects: readonly string[] = []): GatewaySeams {
  // The common case of a fleet's thousands of gateways, without building a defect set for each.
  if (defects.length === 0) return CONTRACT_SEAMS;
  const on = roomDefects('gateway', defects);
  if (!defectsOfRoom('gateway').some((d) => on.has(d))) return CONTRACT_SEAMS;
  const seams = { ...CONTRACT_SEAMS };
  seedParts('gateway', on, ACTS, seams);
  return seams;
}
