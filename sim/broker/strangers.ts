/**
 * Refused CONNECTs of clients that never authenticated (DESIGN §4 security; TEST-PLAN GWP-06, SEC-01).
 * Anyone who can reach the broker can offer any username, so these say nothing about the client whose
 * name was offered: they are kept apart from the per-identity records (client-records.ts), bounded
 * however many arrive (an aggregate, the last few lines, the names offered most recently), and the
 * address that keeps failing is slowed.
 */

/** Lines kept of the latest refusals. */
const LAST_KEPT = 32;
/** Offered usernames counted by name (the most recent ones); the rest are only in the totals. */
const NAMES_KEPT = 64;
/** Addresses whose failures are remembered for the slow-down (the most recent ones). */
const ADDRESSES_KEPT = 1024;
/** Failed CONNECTs an address may make before its refusals are delayed. */
const FREE_FAILURES = 10;
/** Delay added per failure past the free ones, ms; the delay is capped at MAX_DELAY_MS. */
const DELAY_STEP_MS = 20;
/** Longest delay of one refusal, ms: under the broker's default 3000 ms connect timeout. */
export const MAX_DELAY_MS = 1000;

/** Why a CONNECT without valid credentials was refused, in words. */
const WHY: Record<string, string> = { bad_credentials: 'bad password', anonymous: 'no username' };

/** The strangers' view of `GET /stats` (and of the gateway target's diagnosis). */
export interface StrangerView {
  /** Refused CONNECTs without valid credentials, all time. */
  refused: number;
  /** The same, by reason (`bad_credentials`, `anonymous`). */
  byReason: Record<string, number>;
  /** Connections closed for a protocol error before they authenticated. */
  errors: number;
  /** Refusals answered late because their address kept failing. */
  slowed: number;
  /** Refusals by offered username, for the NAMES_KEPT names offered most recently. */
  offering: Record<string, number>;
  /** The latest refusals, oldest first: `refused CONNECT offering gw:7001 from 127.0.0.1: bad password`. */
  last: string[];
}

/** Move `key` to the newest end of `map` with value `v`; evict the oldest beyond `max`. */
function touch<V>(map: Map<string, V>, key: string, v: V, max: number): void {
  map.delete(key);
  map.set(key, v);
  if (map.size > max) map.delete(map.keys().next().value as string);
}

export class Strangers {
  private refused = 0;
  private readonly byReason: Record<string, number> = {};
  private errors = 0;
  private slowed = 0;
  private readonly offering = new Map<string, number>();
  private readonly failures = new Map<string, number>();
  private last: string[] = [];

  /**
   * A CONNECT offering `username` from `address` was refused for `reason` before it authenticated.
   * Returns how long (real ms) to hold the refusal back: 0 for the first few from an address, then
   * growing by DELAY_STEP_MS per failure up to MAX_DELAY_MS (transport timing is real time, DESIGN §2).
   */
  refuse(username: string | undefined, address: string, reason: string): number {
    const name = username ?? '';
    this.refused++;
    this.byReason[reason] = (this.byReason[reason] ?? 0) + 1;
    touch(this.offering, name, (this.offering.get(name) ?? 0) + 1, NAMES_KEPT);
    this.last.push(`refused CONNECT offering ${name === '' ? '(no username)' : name.slice(0, 128)} from ${address}: ${WHY[reason] ?? reason}`);
    if (this.last.length > LAST_KEPT) this.last.shift();
    const n = (this.failures.get(address) ?? 0) + 1;
    touch(this.failures, address, n, ADDRESSES_KEPT);
    const delayMs = Math.min(MAX_DELAY_MS, Math.max(0, n - FREE_FAILURES) * DELAY_STEP_MS);
    if (delayMs > 0) this.slowed++;
    return delayMs;
  }

  /** A client from `address` authenticated: its address is no longer slowed. */
  authenticated(address: string): void {
    this.failures.delete(address);
  }

  /** A connection that never authenticated closed for a protocol error. */
  error(): void {
    this.errors++;
  }

  /** How many refusals offered `username` (while it is among the NAMES_KEPT most recent names). */
  offered(username: string): number {
    return this.offering.get(username) ?? 0;
  }

  view(): StrangerView {
    return {
      refused: this.refused, byReason: { ...this.byReason }, errors: this.errors, slowed: this.slowed,
      offering: Object.fromEntries(this.offering), last: [...this.last],
    };
  }

  /** Forget everything (a sim world reset between tests); the slow-down of addresses stays. */
  reset(): void {
    this.refused = 0;
    this.errors = 0;
    this.slowed = 0;
    for (const k of Object.keys(this.byReason)) delete this.byReason[k];
    this.offering.clear();
    this.last = [];
  }
}
