import { parseGatewayTopic } from '../protocol/index.ts';

/** Longest hold of one command, ms: a hold is meant to be well under any ack timeout (DESIGN §4, default 3000). */
export const MAX_HOLD_MS = 10_000;
/** Longest an armed hold waits for its command, ms. */
export const MAX_HOLD_WITHIN_MS = 60_000;

interface Armed {
  holdMs: number;
  /** `nowMs()` after which the hold is gone unused. */
  untilMs: number;
}

/**
 * The harness's lever on a burst of commands (DESIGN §12 levers; TEST-PLAN GW-03): the broker holds
 * the next command the cloud sends to one gateway for `holdMs` before routing it. While it is held the
 * command is in flight at the cloud, so requests sent together all reach the cloud inside that one
 * command's flight — on any gateway, since the hold is outside the device. Only the next command is
 * held; a hold no command used within `withinMs` is gone, so it cannot reach into a later test.
 *
 * This is the bookkeeping; the broker's gate does the waiting (gatekeeper.ts). Real time: the hold
 * delays a transport, like the ack timeout it must stay under; `nowMs` is injectable for tests.
 */
export class CommandHolds {
  private readonly armed = new Map<number, Armed>();

  constructor(private readonly nowMs: () => number = () => performance.now()) {}

  /** Hold the next command to gateway `apId` for `holdMs`, if one is published within `withinMs`; replaces an armed hold. */
  arm(apId: number, holdMs: number, withinMs: number): void {
    if (!Number.isInteger(holdMs) || holdMs < 1 || holdMs > MAX_HOLD_MS) throw new RangeError(`hold_ms must be an integer 1…${MAX_HOLD_MS}`);
    if (!Number.isInteger(withinMs) || withinMs < 1 || withinMs > MAX_HOLD_WITHIN_MS) throw new RangeError(`within_ms must be an integer 1…${MAX_HOLD_WITHIN_MS}`);
    this.armed.set(apId, { holdMs, untilMs: this.nowMs() + withinMs });
  }

  /**
   * How long to hold a message the cloud publishes on `topic`, ms: an armed hold's `holdMs` if the topic is
   * a gateway's `cmd` (DESIGN §4) and the hold has not expired — used up by this call — else 0.
   */
  take(topic: string): number {
    const t = parseGatewayTopic(topic);
    if (t?.kind !== 'cmd') return 0;
    const hold = this.armed.get(t.apId);
    if (!hold) return 0;
    this.armed.delete(t.apId);
    return this.nowMs() <= hold.untilMs ? hold.holdMs : 0;
  }

  /** Forget every armed hold (a world reset); a command being held now is still routed when its hold ends. */
  clear(): void {
    this.armed.clear();
  }
}
