import type { GatewayEvent } from '../protocol/index.ts';
import type { PushMessage, PushSender } from './push.ts';
import type { CloudStore } from './store.ts';
import type { CloudStats } from './stats.ts';
import type { AppRecord, LockRecord } from './types.ts';

/** Events remembered per gateway session for dedup (DESIGN §3.4). */
const SEEN_KEPT = 1024;

/**
 * The event ids one gateway used in its current session (DESIGN §3.4, TEST-PLAN GWP-04). Within a
 * session a repeated `event_id` is a QoS-1 redelivery. A gateway that reboots counts from 1 again,
 * so each `{"online": true}` it publishes starts a new, empty set. An event resent after a reconnect
 * but before the new session's status still counts against the old session's ids (mqtt.js resends
 * its unacknowledged publishes first). Ids are the only key: with a frozen world clock a rebooted
 * gateway's new event 1 can be byte-identical to the old event 1, and dropping it would be a lost push.
 */
class GatewaySeen {
  private ids = new Set<number>();

  /** The gateway opened a new connection (it published `{"online": true}`). */
  newSession(): void {
    this.ids = new Set();
  }

  /** Whether `eventId` was seen already in this session; remembers it otherwise. */
  isRedelivery(eventId: number): boolean {
    if (this.ids.has(eventId)) return true;
    this.ids.add(eventId);
    if (this.ids.size > SEEN_KEPT) this.ids.delete(this.ids.values().next().value as number);
    return false;
  }
}

/** `YYYY-MM-DD HH:MM:SS` of a unix time in the zone `tzOffsetMin` east of UTC (DESIGN §3.4 type 2). */
export function formatLocalTime(unixS: number, tzOffsetMin: number): string {
  const d = new Date((Math.floor(unixS) + tzOffsetMin * 60) * 1000);
  return d.toISOString().slice(0, 19).replace('T', ' ');
}

/** What the event router needs: the registry, the push sink and the displayed time zone. */
export interface EventRouterOptions {
  store: CloudStore;
  push: PushSender;
  tzOffsetMin: number;
  stats: CloudStats;
}

/**
 * Turns what gateways report into push messages and last known flags (DESIGN §3.4): gateway
 * status changes → type 1; unlock events → type 2; a battery falling low → one type 3, re-armed
 * when it reports not low again. Redelivered events (a repeated event_id within one session of the
 * gateway — see `GatewaySeen`) are dropped.
 */
export class EventRouter {
  private readonly seen = new Map<number, GatewaySeen>();
  private readonly lowPushed = new Set<number>();

  constructor(private readonly opts: EventRouterOptions) {}

  /** Forget seen event ids and low-battery pushes (a world reset between tests). */
  reset(): void {
    this.seen.clear();
    this.lowPushed.clear();
  }

  /** A gateway went online or offline: type 1 to every app with a lock behind it. */
  onStatusChange(apId: number, online: boolean): void {
    for (const app of this.opts.store.appsForGateway(apId)) {
      this.send(app, `ap:${apId}`, { type: 1, data: { ap_id: apId, online } });
    }
  }

  /** Gateway `apId` published `{"online": true}`: a new connection, whose event ids may start at 1 again. */
  onSessionStart(apId: number): void {
    this.seen.get(apId)?.newSession();
  }

  /** An event from gateway `apId`. */
  onEvent(apId: number, ev: GatewayEvent): void {
    const { store, stats } = this.opts;
    const lock = store.lock(ev.lock_id);
    // A gateway may only speak for the locks behind it.
    if (!lock || lock.isDel || lock.apId !== apId) return void stats.mqttDropped++;
    if (this.isRedelivery(apId, ev)) return void stats.eventsDuplicate++;
    switch (ev.type) {
      case 'unlock':
        this.toApps(lock, {
          type: 2,
          data: { lock_id: lock.lockId, result: ev.result, uid: ev.uid, mode: ev.mode, time: formatLocalTime(ev.lock_time, this.opts.tzOffsetMin) },
        });
        return;
      case 'battery':
        store.updateLastKnown(lock.lockId, { low_voltage: ev.low_voltage });
        if (!ev.low_voltage) return void this.lowPushed.delete(lock.lockId);
        if (this.lowPushed.has(lock.lockId)) return;
        this.lowPushed.add(lock.lockId);
        this.toApps(lock, { type: 3, data: { lock_id: lock.lockId, remain: Math.round(ev.battery_pct * 10) / 10 } });
        return;
      case 'tamper':
        store.updateLastKnown(lock.lockId, { is_abnormal: ev.is_abnormal });
        return;
      case 'reachable':
        store.updateLastKnown(lock.lockId, { reachable: ev.online });
        return;
    }
  }

  /**
   * The lock's own state (a `state` reply) says whether its battery is low now: not low re-arms the
   * alarm even when the event that said so was lost (DESIGN §3.4). Low does not push: the crossing
   * is the battery event's to report, and it may still be on its way.
   */
  onLockState(lockId: number, lowVoltage: boolean): void {
    if (!lowVoltage) this.lowPushed.delete(lockId);
  }

  /** Whether `ev` repeats an event_id of the gateway's current session (DESIGN §3.4: pushed once). */
  isRedelivery(apId: number, ev: GatewayEvent): boolean {
    let seen = this.seen.get(apId);
    if (!seen) this.seen.set(apId, (seen = new GatewaySeen()));
    return seen.isRedelivery(ev.event_id);
  }

  private toApps(lock: LockRecord, message: PushMessage): void {
    for (const app of this.opts.store.appsForLock(lock)) this.send(app, `lock:${lock.lockId}`, message);
  }

  private send(app: AppRecord, key: string, message: PushMessage): void {
    if (app.pushUrl !== null) this.opts.push.enqueue(`${app.appId}\n${key}`, app.pushUrl, message);
  }
}
