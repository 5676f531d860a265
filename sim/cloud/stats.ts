/**
 * The counters of a running cloud (`GET /stats`) and the one way a handler's crash is kept in them:
 * refused, dropped and delivered things are counted, never fatal.
 */

/** One handler that threw: kept so `GET /stats` shows what broke, not only that something did. */
export interface InternalError {
  /** World time of the request, unix seconds. */
  at: number;
  path: string;
  stack: string;
}

/** How many internal errors `GET /stats` keeps (the newest). */
export const INTERNAL_ERRORS_KEPT = 10;

/** Counters of a running cloud: refused, dropped and delivered things are counted, never fatal. */
export interface CloudStats {
  /** HTTP requests answered. */
  requests: number;
  /** Requests answered with `internal` because a handler threw. */
  internalErrors: number;
  /** Bodies refused for size (413). */
  bodyTooLarge: number;
  /**
   * MQTT messages handled as they were published (not a retained one replayed at a subscription): the
   * world compares it with what the broker accepted for the cloud to know none is in transit (DESIGN §9 `GET /quiet`).
   */
  mqttReceived: number;
  /** Malformed or unexpected MQTT messages dropped. */
  mqttDropped: number;
  /** MQTT connection errors (the client reconnects by itself). */
  mqttErrors: number;
  /** Acks for unknown or finished command ids. */
  acksIgnored: number;
  /** Acks for a pending command that came from another gateway than the one it was sent to (dropped). */
  acksForged: number;
  /** Commands that got no ack within the ack timeout. */
  ackTimeouts: number;
  /** Gateway events dropped as redeliveries of a seen event_id. */
  eventsDuplicate: number;
  /** Push messages delivered (2xx). */
  pushesSent: number;
  /** Push messages given up after every attempt failed. */
  pushFailures: number;
  /** Failed push attempts that were retried. */
  pushRetries: number;
  /** Push messages dropped because their queue was full. */
  pushDropped: number;
  /** Compensating pwd_del attempts sent after a 364 (DESIGN §3.3). */
  compensationsSent: number;
  /** Compensations given up after every attempt failed. */
  compensationsGivenUp: number;
  /** The last INTERNAL_ERRORS_KEPT internal errors, oldest first. */
  recentErrors: InternalError[];
}

/** A fresh set of zeroed counters. */
export function newCloudStats(): CloudStats {
  return {
    requests: 0, internalErrors: 0, bodyTooLarge: 0, mqttReceived: 0, mqttDropped: 0, mqttErrors: 0, acksIgnored: 0, acksForged: 0, ackTimeouts: 0,
    eventsDuplicate: 0, pushesSent: 0, pushFailures: 0, pushRetries: 0, pushDropped: 0, compensationsSent: 0, compensationsGivenUp: 0, recentErrors: [],
  };
}

/**
 * A handler that threw is a bug, not a result (STYLE §8): its stack goes to stderr and into the
 * last few kept for `GET /stats`, and the caller answers `internal`.
 */
export function recordInternalError(stats: CloudStats, at: number, path: string, error: unknown): void {
  const stack = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
  stats.internalErrors++;
  stats.recentErrors.push({ at, path, stack });
  if (stats.recentErrors.length > INTERNAL_ERRORS_KEPT) stats.recentErrors.shift();
  process.stderr.write(`cloud: internal error on ${path}: ${stack}\n`);
}
