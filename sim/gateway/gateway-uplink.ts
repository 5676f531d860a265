import { gatewayTopic, type LockEvent } from '../protocol/index.ts';
import { withTimeout } from '../io/index.ts';
import { GatewayCore } from './gateway-core.ts';

/**
 * A gateway's event uplink (DESIGN §3.3, §4): the locks' events numbered, queued and delivered in
 * order on `event`, held back or dropped only as §3.3 allows, and the partition fault knob.
 */
export class GatewayUplink extends GatewayCore {
  private flushing = false;
  /** Events dropped in the current outage (logged once when it begins, and its total when it ends). */
  private outageDrops = 0;

  /**
   * Stays connected but answers no command and forwards no event (STYLE §3 fault knob); events
   * are buffered meanwhile and delivered in order when the partition heals.
   */
  get partitioned(): boolean {
    return this.partitionedNow;
  }

  set partitioned(on: boolean) {
    this.partitionedNow = on;
    if (!on) void this.flushEvents();
  }

  /** Whether events are on their way out now (`pendingWork`). */
  protected get delivering(): boolean {
    return this.flushing || (this.uplinkUp && (this.eventBuffer?.length ?? 0) > 0);
  }

  /**
   * Take a lock's event for the uplink, or answer false (DESIGN §3.3/§4 backpressure): while the uplink
   * is up and the queue is full, an event from a link with flow control is not taken — the link leaves
   * it unacked and the lock sends it again once the queue has room. It gets no event_id until taken.
   * A link without flow control cannot be held back: its burst waits in the queue (up to its hard cap).
   */
  protected forwardEvent(ev: LockEvent): boolean {
    const events = this.events;
    if (this.uplinkUp && events.full && this.links?.get(ev.lock_id)?.link.flowControl) {
      this.count('eventsHeldBack');
      void this.flushEvents();
      return false;
    }
    // DESIGN §4: event_id increases per gateway (across reconnects unless `eventIds` is per-connection).
    const event_id = this.seams.eventId(() => this.nextEventId++, this.tuning.firstEventId);
    // Nothing lost while the uplink is down (DESIGN §3.4): buffered, delivered in order once it is up.
    // Dropped only during an outage (oldest first, counted); a burst on a live uplink waits its turn.
    const up = this.uplinkUp;
    const dropped = events.push(ev.type === 'unlock' ? { ...ev, lock_time: this.seams.lockTime(ev.lock_time), event_id } : { ...ev, event_id }, { up });
    if (dropped > 0) this.noteDropped(dropped, up);
    // `ack-first`: on the next turn, after the ack of the command that caused the event (sent in this one).
    if (this.tuning.eventOrder === 'events-first') void this.flushEvents();
    else setImmediate(() => void this.flushEvents());
    // Any topic besides its own (only a seeded seam names one): sent as is, for the broker to judge (TEST-PLAN GWP-06).
    for (const other of this.seams.eventTopicsOf(this.apId).filter((ap) => ap !== this.apId)) {
      if (!this.uplinkUp || !this.client) continue;
      this.handling++;
      void this.client.publish(gatewayTopic(other, 'event', this.namespace), JSON.stringify({ ...ev, event_id }), { qos: 1 }).catch(() => {}).finally(() => void this.handling--);
    }
    return true;
  }

  /**
   * Say what was lost (DESIGN §3.3: counted and logged): an outage once when it begins dropping and its
   * total when it ends (`flushEvents`); a drop on a live uplink — a link without flow control outran the
   * queue's hard cap, never in a sane run — the first time.
   */
  private noteDropped(count: number, up: boolean): void {
    const log = this.tuning.log;
    if (up) {
      if (this.events.droppedLive === count) log?.(`gateway ${this.apId}: ${count} event(s) dropped on a live uplink at the queue's hard cap (a lock link without flow control outran it)`);
      return;
    }
    if (this.outageDrops === 0) log?.(`gateway ${this.apId}: uplink down and ${this.events.length} events queued: dropping the oldest (DESIGN §3.3)`);
    this.outageDrops += count;
  }

  /**
   * Deliver buffered events oldest first, one PUBACK at a time so order holds; an event leaves the
   * buffer only once acknowledged. A failed or unanswered publish stops the run until the next
   * reconnect or heal (a resend is deduplicated by the cloud's event_id).
   */
  protected async flushEvents(): Promise<void> {
    if (this.flushing) return;
    if (this.outageDrops > 0 && this.uplinkUp) {
      this.tuning.log?.(`gateway ${this.apId}: uplink up again; ${this.outageDrops} events were dropped during the outage (oldest first)`);
      this.outageDrops = 0;
    }
    const events = this.eventBuffer;
    if (!events) return;
    this.flushing = true;
    try {
      for (let ev = events.peek(); ev !== undefined && this.uplinkUp; ev = events.peek()) {
        if (!(await this.delay()) || !this.uplinkUp) return;
        const client = this.client!;
        const sent = await withTimeout(
          client.publish(gatewayTopic(this.apId, 'event', this.namespace), JSON.stringify(this.extras.dress(ev)), { qos: 1 }), this.tuning.connectTimeoutMs, 'event publish',
        ).then(() => true, () => false);
        if (!sent) return;
        events.shift();
        this.count('events');
      }
    } finally {
      this.flushing = false;
    }
  }
}
