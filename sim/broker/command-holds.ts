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
 * the next command the cloud sends to one gateway before routing it, until the harness releases it or
 * `holdMs` has passed. While it is held the command is in flight at the cloud, so requests sent together
 * all reach the cloud inside that one command's flight — on any gateway, since the hold is outside the
 * device. Released as soon as the burst's other answers are back, the hold spends little of the cloud's
 * ack timeout (DESIGN §4). Only the next command is held; a hold no command used within `withinMs` is
 * gone, so it cannot reach into a later test.
 *
 * The broker's gate hands each command of the cloud here (gatekeeper.ts). Real time: the hold delays a
 * transport, like the ack timeout it must stay under; `nowMs` is injectable for tests.
 */
export class CommandHolds {
  private readonly armed = new Map<number, Armed>();
  /** Commands held now, by gateway: each function routes its command (once). */
  private readonly held = new Map<number, Set<() => void>>();

  constructor(private readonly nowMs: () => number = () => performance.now()) {}

  /** Hold the next command to gateway `apId` for at most `holdMs`, if one is published within `withinMs`; replaces an armed hold. */
  arm(apId: number, holdMs: number, withinMs: number): void {
    if (!Number.isInteger(holdMs) || holdMs < 1 || holdMs > MAX_HOLD_MS) throw new RangeError(`hold_ms must be an integer 1…${MAX_HOLD_MS}`);
    if (!Number.isInteger(withinMs) || withinMs < 1 || withinMs > MAX_HOLD_WITHIN_MS) throw new RangeError(`within_ms must be an integer 1…${MAX_HOLD_WITHIN_MS}`);
    this.armed.set(apId, { holdMs, untilMs: this.nowMs() + withinMs });
  }

  /**
   * A message the cloud publishes on `topic`: when it is a gateway's `cmd` (DESIGN §4) and a hold is armed
   * for that gateway and not expired, the hold is used up, `route` runs on release or after `holdMs`, and
   * the answer is true. Otherwise false: the caller routes the message itself.
   */
  hold(topic: string, route: () => void): boolean {
    const t = parseGatewayTopic(topic);
    if (t?.kind !== 'cmd') return false;
    const armed = this.armed.get(t.apId);
    if (!armed) return false;
    this.armed.delete(t.apId);
    if (this.nowMs() > armed.untilMs) return false;
    const held = this.held.get(t.apId) ?? new Set();
    this.held.set(t.apId, held);
    const go = (): void => {
      if (!held.delete(go)) return;
      clearTimeout(timer);
      route();
    };
    const timer = setTimeout(go, armed.holdMs);
    timer.unref();
    held.add(go);
    return true;
  }

  /** Route the commands held for gateway `apId` now and forget an unused hold of it; how many were held. */
  release(apId: number): number {
    this.armed.delete(apId);
    const held = [...(this.held.get(apId) ?? [])];
    for (const go of held) go();
    return held.length;
  }

  /** Forget every armed hold (a world reset); a command being held now is still routed when its hold ends. */
  clear(): void {
    this.armed.clear();
  }
}
