import { GatewayCommands } from './gateway-commands.ts';
import type { GatewayOptions } from './gateway-options.ts';
import { closeSession, openSession, type SessionHost } from './session.ts';

/**
 * A virtual gateway (DESIGN §4): an MQTT client as `gw:{ap_id}` that turns `cmd` messages into lock
 * requests over its `LockLink`s, answers on `ack` and forwards the locks' events on `event`. This
 * file is its lifecycle — online, offline, killed, rebooted, closed — and what it has in hand;
 * commands are `gateway-commands.ts`, events `gateway-uplink.ts`, its state `gateway-core.ts`.
 */
export class VirtualGateway extends GatewayCommands implements SessionHost {
  /** A session is set up and its online status not yet acknowledged by the broker (`sessionStarted` … `sessionUp`). */
  private settingUp = false;
  /** The tail of the queued transitions, or null when none is queued or running. */
  private transitions: Promise<void> | null = null;
  /** Transitions queued or running (`setOnline`, `reboot`). */
  private transitioning = 0;

  /** A gateway that is connected, subscribed to its `cmd` and has published `{"online":true}`. */
  static async create(opts: GatewayOptions): Promise<VirtualGateway> {
    const gw = new VirtualGateway(opts);
    for (const link of opts.links ?? []) gw.addLink(link);
    for (const group of opts.linkGroups ?? []) gw.addLinks(group);
    try {
      await gw.setOnline(true);
    } catch (err) {
      await gw.close();
      throw err;
    }
    return gw;
  }

  /**
   * What this gateway still has on its way to the broker, or undefined when nothing (DESIGN §9 `GET /quiet`):
   * a transition or session set-up, a reconnect its MQTT client will make by itself, a command being handled
   * (latency included), events waiting on a live uplink. Events held by a partition or an outage are not
   * on their way: they leave only when a test heals the gateway, and then this says so.
   */
  get pendingWork(): string | undefined {
    if (this.opening || this.transitioning) return 'connecting or disconnecting';
    if (this.client && !this.client.connected) return 'reconnecting';
    if (this.client && this.settingUp) return 'publishing its online status';
    if (this.handling > 0) return `${this.handling} command(s) or publish(es) in hand`;
    if (this.delivering) return `delivering ${this.eventBuffer?.length ?? 0} event(s)`;
    return undefined;
  }

  /** false: publish retained `{"online":false}`, then disconnect cleanly; true: reconnect (status true). */
  setOnline(online: boolean): Promise<void> {
    // One transition at a time: a reconnect must not race the clean disconnect before it.
    return this.transition(() => (online ? this.goOnline() : this.goOffline()));
  }

  /** Run `step` after every earlier transition, counted while queued or running (`pendingWork`). */
  private transition(step: () => Promise<void>): Promise<void> {
    this.transitioning++;
    const run = (this.transitions ?? Promise.resolve()).then(step).finally(() => {
      // The last one out drops the chain: an idle gateway holds no settled promise.
      if (--this.transitioning === 0) this.transitions = null;
    });
    this.transitions = run.catch(() => {});
    return run;
  }

  /**
   * Abrupt loss for tests: destroy the socket without DISCONNECT so the broker fires the will.
   * The gateway reconnects after `reconnectPeriodMs` unless `reconnect` is false (then it stays
   * down until `setOnline(true)`).
   */
  kill(reconnect = true): void {
    const client = this.client;
    if (!client) return;
    if (reconnect) {
      client.drop();
      return;
    }
    this.client = null;
    void client.end(true);
  }

  /**
   * A power cycle (DESIGN §3.4): the connection is lost without DISCONNECT (the broker publishes the
   * will), the gateway forgets its command ids and counts events from 1 again, then reconnects.
   */
  reboot(): Promise<void> {
    return this.transition(async () => {
      const client = this.client;
      this.client = null;
      void client?.end(true);
      this.dedupMade = null;
      this.nextEventId = 1;
      await this.goOnline();
    });
  }

  /** Clean disconnect like `setOnline(false)`, then release every link and timer. */
  async close(): Promise<void> {
    this.closed = true;
    await this.setOnline(false);
    this.aborter?.abort();
    const links = [...(this.links?.values() ?? [])].map((l) => l.link);
    for (const link of links) this.removeLink(link.lockId);
    const groups = this.groups ?? [];
    this.groups = null;
    for (const g of groups) g.off();
    await Promise.all([...links.map((link) => link.close()), ...groups.map((g) => g.group.close())]);
  }

  /** A new MQTT session is set up (DESIGN §4 event ids: `per-connection` counts from 1 again). */
  sessionStarted(): void {
    this.settingUp = true;
    if (this.tuning.eventIds === 'per-connection') this.nextEventId = 1;
  }

  /** The session's `cmd` is subscribed and its online status acknowledged: what waited goes out. */
  sessionUp(): void {
    this.settingUp = false;
    void this.flushEvents();
  }

  private async goOnline(): Promise<void> {
    if (this.closed) throw new Error(`gateway ${this.apId} is closed`);
    if (this.client) return;
    const t = this.tuning;
    this.opening = openSession({
      mqttUrl: this.mqttUrl,
      apId: this.apId,
      secret: this.secret,
      namespace: this.namespace,
      keepaliveS: t.keepaliveS,
      // A back-off of 0 means "at once" (DESIGN §12 allows it); mqtt.js (WebSocket URLs) reads 0 as "never reconnect".
      reconnectPeriodMs: Math.max(1, t.reconnectPeriodMs),
      connectTimeoutMs: t.connectTimeoutMs,
      will: this.seams.will,
      clientId: t.clientId,
      statusRetained: this.seams.statusRetained,
      // The gateway itself hears its session (methods on the prototype, not a bound function each: DESIGN §13).
      host: this,
      clean: t.cleanSession,
      statusRepeats: t.statusRepeats,
      dress: this.extras.dress,
    });
    try {
      this.client = await this.opening;
    } finally {
      this.opening = null;
    }
    void this.flushEvents();
  }

  private async goOffline(): Promise<void> {
    const client = this.client;
    this.client = null;
    if (client) await closeSession(client, this.apId, this.namespace, this.tuning.connectTimeoutMs, this.extras.dress);
  }
}
