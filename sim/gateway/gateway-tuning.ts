import type { EventIdScheme, EventOrder, GatewayOptions } from './gateway-options.ts';

/**
 * A gateway's options beyond its identity, defaults filled in (`GatewayOptions` says each). A fleet's
 * gateways are made with the same ones, so they share one frozen object instead of each keeping its
 * options whole (DESIGN §13 memory per gateway session); only a gateway given its own `log` gets its own.
 */
export interface GatewayTuning {
  readonly lockTimeoutMs: number;
  readonly keepaliveS: number;
  readonly reconnectPeriodMs: number;
  readonly connectTimeoutMs: number;
  readonly firstEventId: number;
  readonly eventBufferMax: number;
  readonly clientId: string | undefined;
  readonly eventIds: EventIdScheme;
  readonly eventOrder: EventOrder;
  readonly cleanSession: boolean;
  readonly statusRepeats: number;
  readonly ackLatencyMs: number;
  readonly log: ((line: string) => void) | undefined;
}

/** Shared tunings by their values; bounded (STYLE §18): past it a tuning is made per gateway. */
const shared = new Map<string, GatewayTuning>();
const SHARED_MAX = 64;

/** The tuning of a gateway made with `opts`: a shared one unless it has its own `log` or a client id. */
export function tuningOf(opts: GatewayOptions): GatewayTuning {
  const t: GatewayTuning = Object.freeze({
    lockTimeoutMs: opts.lockTimeoutMs ?? 2000,
    keepaliveS: opts.keepaliveS ?? 10,
    reconnectPeriodMs: opts.reconnectPeriodMs ?? 200,
    connectTimeoutMs: opts.connectTimeoutMs ?? 5000,
    firstEventId: opts.firstEventId ?? 1,
    eventBufferMax: opts.eventBufferMax ?? 1000,
    clientId: opts.clientId,
    eventIds: opts.eventIds ?? 'per-gateway',
    eventOrder: opts.eventOrder ?? 'ack-first',
    cleanSession: opts.cleanSession ?? true,
    statusRepeats: opts.statusRepeats ?? 0,
    ackLatencyMs: opts.ackLatencyMs ?? 0,
    log: opts.log,
  });
  // Checked here, not at the first event: the queue itself is made only then.
  if (!Number.isInteger(t.eventBufferMax) || t.eventBufferMax < 1) throw new RangeError(`gateway ${opts.apId}: eventBufferMax must be an integer ≥ 1, got ${t.eventBufferMax}`);
  // A client id names one gateway, and a log is a function: neither makes a key worth sharing.
  if (t.log !== undefined || t.clientId !== undefined) return t;
  const key = JSON.stringify(t);
  const known = shared.get(key);
  if (known) return known;
  if (shared.size < SHARED_MAX) shared.set(key, t);
  return t;
}
