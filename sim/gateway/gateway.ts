import { setTimeout as sleep } from 'node:timers/promises';
import { gatewayTopic, parseCommand, type Ack, type Command, type LockEvent, type LockOp } from '../protocol/index.ts';
import type { LockAnswer } from '../lock/types.ts';
import { CommandDedup } from './command-dedup.ts';
import { EventBuffer } from './event-buffer.ts';
import type { EventListener, LockLink, LockLinkGroup } from './link.ts';
import { gatewaySeams, type GatewaySeams } from './seeded.ts';
import { closeSession, openSession } from './session.ts';
import { extraFields, NO_EXTRAS, type ExtraFields } from './extra-fields.ts';
import { TimeoutError, withTimeout, type GatewayMqtt } from '../io/index.ts';
import type { GatewayOptions, GatewayStats } from './gateway-options.ts';
import { FaultDice } from '../random.ts';

/**
 * A virtual gateway (DESIGN §4): an MQTT client as `gw:{ap_id}` that turns `cmd` messages into lock
 * requests over its `LockLink`s, answers on `ack` and forwards the locks' events on `event`.
 */
export class VirtualGateway {
  readonly apId: number;
  private partitionedNow = false;
  /** Fault knob: deliver each of the next N commands twice, as a QoS 1 redelivery would (TEST-PLAN GW-04). */
  redeliverNext = 0;
  /** Real-time delay before acting on each command and before publishing each ack/event, ms. */
  latencyMs = 0;
  /** `faults`, made at the first look (the control API's): a fleet's gateways never roll dice, and a seeded generator is ~0.7 KB under tsx. */
  private faultsMade: FaultDice | null = null;
  private readonly statsNow = { commands: 0, duplicates: 0, dropped: 0, events: 0, eventsHeldBack: 0 };
  private readonly eventBuffer: EventBuffer<object>;
  private flushing = false;
  /** Commands being handled (their pauses, the lock's answer, the ack's publish) and stray publishes not yet acknowledged. */
  private handling = 0;
  /** A session is set up and its online status not yet acknowledged by the broker (`onSession` … `onUp`). */
  private settingUp = false;
  /** Events dropped in the current outage (logged once when it begins, and its total when it ends). */
  private outageDrops = 0;

  /** Where seeded defects act (`seeded.ts`); each takes the contract step. */
  private readonly seams: GatewaySeams;
  /** Fields beyond §4's on what it sends (`extraFields`), or none. */
  private readonly extras: ExtraFields;
  /** Per-lock links (a serial link, a test's), made at the first: a fleet's gateway reaches its locks through a group (DESIGN §13). */
  private links: Map<number, { link: LockLink; off: () => void }> | null = null;
  /** Locks reached through a group (a fleet's radio); a link to the same lock goes first. */
  private groups: { group: LockLinkGroup; off: () => void }[] | null = null;
  /** Locks of a group taken away with `removeLink` (made on first use: almost always none). */
  private removed: Set<number> | null = null;
  /** One listener for every link's events (not a closure per lock: a fleet has thousands of locks). */
  private readonly onLinkEvent: EventListener;
  private dedup = new CommandDedup<Ack>(256);
  /** Cuts short a pause when the gateway closes; made at the first pause (most gateways of a fleet never pause). */
  private aborter: AbortController | null = null;
  private client: GatewayMqtt | null = null;
  /**
   * The session being set up: with `cleanSession` false the broker hands over the `cmd`s it kept
   * before `openSession` resolves, and their acks go out on it (DESIGN §4: every command is acked).
   */
  private opening: Promise<GatewayMqtt> | null = null;
  private transitions: Promise<void> = Promise.resolve();
  /** Transitions queued or running (`setOnline`, `reboot`). */
  private transitioning = 0;
  private nextEventId: number;
  private closed = false;

  private constructor(private readonly opts: GatewayOptions) {
    this.apId = opts.apId;
    this.seams = gatewaySeams(opts.defects);
    this.extras = opts.extraFields ? extraFields() : NO_EXTRAS;
    this.nextEventId = opts.firstEventId ?? 1;
    this.eventBuffer = new EventBuffer(opts.eventBufferMax ?? 1000);
    this.onLinkEvent = this.forwardEvent.bind(this);
  }

  /** Fault rates (control API `drop_rate`, `latency_ms: {mean, jitter}`): a share of commands dropped, latency drawn per hop, from the world's seed. */
  get faults(): FaultDice {
    return (this.faultsMade ??= new FaultDice(`gateway:${this.apId}`));
  }

  /** Counters of the gateway's traffic. */
  get stats(): GatewayStats {
    return { ...this.statsNow, eventsDropped: this.eventBuffer.dropped + this.eventBuffer.droppedLive };
  }

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
    if (this.flushing || (this.uplinkUp && this.eventBuffer.length > 0)) return `delivering ${this.eventBuffer.length} event(s)`;
    return undefined;
  }

  /** Connected and not cleanly disconnected. */
  get online(): boolean {
    return this.client !== null && this.client.connected;
  }

  /** Reach the lock behind `link` (replacing any link to the same lock). */
  addLink(link: LockLink): void {
    this.removeLink(link.lockId);
    this.removed?.delete(link.lockId);
    const off = link.onEvent(this.onLinkEvent);
    (this.links ??= new Map()).set(link.lockId, { link, off });
  }

  /** Reach every lock of `group` (one subscription for all of them). */
  addLinks(group: LockLinkGroup): void {
    const entry = { group, off: group.onEvent(this.onLinkEvent) };
    if (this.groups) this.groups.push(entry);
    else this.groups = [entry];
  }

  /** Stop reaching a lock: commands for it answer `unreachable`. The link stays open for its owner. */
  removeLink(lockId: number): void {
    this.links?.get(lockId)?.off();
    this.links?.delete(lockId);
    if (this.groupOf(lockId)) (this.removed ??= new Set()).add(lockId);
  }

  /** The group that reaches `lockId`, unless the lock was taken away. */
  private groupOf(lockId: number): LockLinkGroup | undefined {
    if (this.removed?.has(lockId)) return undefined;
    return this.groups?.find((g) => g.group.has(lockId))?.group;
  }

  /** false: publish retained `{"online":false}`, then disconnect cleanly; true: reconnect (status true). */
  setOnline(online: boolean): Promise<void> {
    // One transition at a time: a reconnect must not race the clean disconnect before it.
    return this.transition(() => (online ? this.goOnline() : this.goOffline()));
  }

  /** Run `step` after every earlier transition, counted while queued or running (`pendingWork`). */
  private transition(step: () => Promise<void>): Promise<void> {
    this.transitioning++;
    const run = this.transitions.then(step).finally(() => void this.transitioning--);
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
      this.dedup = new CommandDedup<Ack>(256);
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

  private async goOnline(): Promise<void> {
    if (this.closed) throw new Error(`gateway ${this.apId} is closed`);
    if (this.client) return;
    this.opening = openSession({
      mqttUrl: this.opts.mqttUrl,
      apId: this.apId,
      secret: this.opts.secret,
      namespace: this.namespace,
      keepaliveS: this.opts.keepaliveS ?? 10,
      // A back-off of 0 means "at once" (DESIGN §12 allows it); mqtt.js (WebSocket URLs) reads 0 as "never reconnect".
      reconnectPeriodMs: Math.max(1, this.opts.reconnectPeriodMs ?? 200),
      connectTimeoutMs: this.connectTimeoutMs,
      will: this.seams.will,
      clientId: this.opts.clientId,
      statusRetained: this.seams.statusRetained,
      // Bound methods rather than arrow properties: one gateway of a fleet among thousands (tsx names each arrow, ~300 B).
      onSession: this.sessionStarted.bind(this),
      onMessage: this.onMessage.bind(this),
      onUp: this.sessionUp.bind(this),
      clean: this.opts.cleanSession ?? true,
      statusRepeats: this.opts.statusRepeats ?? 0,
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
    if (client) await closeSession(client, this.apId, this.namespace, this.connectTimeoutMs, this.extras.dress);
  }

  /** A new MQTT session is set up (DESIGN §4 event ids: `per-connection` counts from 1 again). */
  private sessionStarted(): void {
    this.settingUp = true;
    if (this.opts.eventIds === 'per-connection') this.nextEventId = 1;
  }

  /** The session's `cmd` is subscribed and its online status acknowledged: what waited goes out. */
  private sessionUp(): void {
    this.settingUp = false;
    void this.flushEvents();
  }

  private get connectTimeoutMs(): number {
    return this.opts.connectTimeoutMs ?? 5000;
  }

  private async onMessage(topic: string, payload: Buffer): Promise<void> {
    if (topic !== gatewayTopic(this.apId, 'cmd', this.namespace)) return;
    this.handling++;
    try {
      await this.onCommand(payload);
    } finally {
      this.handling--;
    }
  }

  private async onCommand(payload: Buffer): Promise<void> {
    if (this.redeliverNext > 0) {
      this.redeliverNext--;
      // Fault hook: the same QoS 1 message arrives again once the first copy is handled (a lost PUBACK).
      await this.handleCommand(payload);
      return this.handleCommand(payload);
    }
    return this.handleCommand(payload);
  }

  private async handleCommand(payload: Buffer): Promise<void> {
    const parsed = parseCommand(payload);
    if (!parsed.ok || this.partitioned) {
      this.statsNow.dropped++;
      return;
    }
    // A drawn drop: the command is lost as a partition loses it (no ack; the cloud's ack timeout answers).
    if (this.faultsMade?.hit()) {
      this.statsNow.dropped++;
      return;
    }
    const cmd = parsed.value;
    this.statsNow.commands++;
    const known = this.dedup.begin(cmd.id);
    if (known.kind !== 'new') {
      this.statsNow.duplicates++;
      // DESIGN §4: the same ack again, without acting; an id still in progress gets its ack when done.
      if (this.seams.dedupCommands) {
        if (known.kind === 'done') await this.publish('ack', known.ack);
        return;
      }
    }
    if (!(await this.delay()) || !(await this.pause(this.opts.ackLatencyMs ?? 0))) return;
    const answer = await this.ask(cmd);
    const id = this.seams.ackId(cmd.id);
    const ack: Ack = { id, lock_id: cmd.lock_id, result: answer.result, data: answer.data };
    this.dedup.finish(cmd.id, ack);
    if (this.seams.ackDelayMs > 0 && !(await this.pause(this.seams.ackDelayMs))) return;
    await this.publish('ack', ack);
  }

  private async ask(cmd: Command): Promise<LockAnswer> {
    const link = this.links?.get(cmd.lock_id)?.link;
    const group = link ? undefined : this.groupOf(cmd.lock_id);
    if (!link && !group) return { result: 'unreachable', data: {} };
    const timeoutMs = this.opts.lockTimeoutMs ?? 2000;
    // LockLink promises to settle within timeoutMs; the margin guards a link that breaks that promise.
    const op = { op: cmd.op, args: cmd.args } as LockOp;
    const answer = Promise.resolve().then(() => (link ? link.request(op, timeoutMs) : group!.request(cmd.lock_id, op, timeoutMs)));
    return withTimeout(answer, timeoutMs + 500, `lock ${cmd.lock_id} ${cmd.op}`).catch(
      (err: unknown): LockAnswer => ({ result: err instanceof TimeoutError ? 'unreachable' : 'error', data: {} }),
    );
  }

  /**
   * Take a lock's event for the uplink, or answer false (DESIGN §3.3/§4 backpressure): while the uplink
   * is up and the queue is full, an event from a link with flow control is not taken — the link leaves
   * it unacked and the lock sends it again once the queue has room. It gets no event_id until taken.
   * A link without flow control cannot be held back: its burst waits in the queue (up to its hard cap).
   */
  private forwardEvent(ev: LockEvent): boolean {
    if (this.uplinkUp && this.eventBuffer.full && this.links?.get(ev.lock_id)?.link.flowControl) {
      this.statsNow.eventsHeldBack++;
      void this.flushEvents();
      return false;
    }
    // DESIGN §4: event_id increases per gateway (across reconnects unless `eventIds` is per-connection).
    const event_id = this.seams.eventId(() => this.nextEventId++, this.opts.firstEventId ?? 1);
    // Nothing lost while the uplink is down (DESIGN §3.4): buffered, delivered in order once it is up.
    // Dropped only during an outage (oldest first, counted); a burst on a live uplink waits its turn.
    const up = this.uplinkUp;
    const dropped = this.eventBuffer.push(ev.type === 'unlock' ? { ...ev, lock_time: this.seams.lockTime(ev.lock_time), event_id } : { ...ev, event_id }, { up });
    if (dropped > 0) this.noteDropped(dropped, up);
    // `ack-first`: on the next turn, after the ack of the command that caused the event (sent in this one).
    if (this.opts.eventOrder === 'events-first') void this.flushEvents();
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
    if (up) {
      if (this.eventBuffer.droppedLive === count) this.opts.log?.(`gateway ${this.apId}: ${count} event(s) dropped on a live uplink at the queue's hard cap (a lock link without flow control outran it)`);
      return;
    }
    if (this.outageDrops === 0) this.opts.log?.(`gateway ${this.apId}: uplink down and ${this.eventBuffer.length} events queued: dropping the oldest (DESIGN §3.3)`);
    this.outageDrops += count;
  }

  /** The world's namespace on the broker (DESIGN §13); every topic this gateway names carries it. */
  private get namespace(): string {
    return this.opts.namespace ?? '';
  }

  private get uplinkUp(): boolean {
    return this.online && !this.partitionedNow;
  }

  /**
   * Deliver buffered events oldest first, one PUBACK at a time so order holds; an event leaves the
   * buffer only once acknowledged. A failed or unanswered publish stops the run until the next
   * reconnect or heal (a resend is deduplicated by the cloud's event_id).
   */
  private async flushEvents(): Promise<void> {
    if (this.flushing) return;
    if (this.outageDrops > 0 && this.uplinkUp) {
      this.opts.log?.(`gateway ${this.apId}: uplink up again; ${this.outageDrops} events were dropped during the outage (oldest first)`);
      this.outageDrops = 0;
    }
    this.flushing = true;
    try {
      for (let ev = this.eventBuffer.peek(); ev !== undefined && this.uplinkUp; ev = this.eventBuffer.peek()) {
        if (!(await this.delay()) || !this.uplinkUp) return;
        const client = this.client!;
        const sent = await withTimeout(
          client.publish(gatewayTopic(this.apId, 'event', this.namespace), JSON.stringify(this.extras.dress(ev)), { qos: 1 }), this.connectTimeoutMs, 'event publish',
        ).then(() => true, () => false);
        if (!sent) return;
        this.eventBuffer.shift();
        this.statsNow.events++;
      }
    } finally {
      this.flushing = false;
    }
  }

  /** Wait `latencyMs` and a drawn latency (fault rates); false if the gateway closed meanwhile. */
  private delay(): Promise<boolean> {
    return this.pause(this.latencyMs + (this.faultsMade?.latencyMs() ?? 0));
  }

  /** Wait `ms` of real time; false if the gateway closed meanwhile. */
  private async pause(ms: number): Promise<boolean> {
    if (ms <= 0) return true;
    if (this.closed) return false;
    try {
      await sleep(ms, undefined, { signal: (this.aborter ??= new AbortController()).signal });
      return true;
    } catch {
      return false;
    }
  }

  private async publish(kind: 'ack', body: object): Promise<void> {
    if (!(await this.delay())) return;
    const client = this.client ?? (await this.opening?.catch(() => null)) ?? null;
    if (this.partitioned || client === null) {
      this.statsNow.dropped++;
      return;
    }
    // QoS 1 while reconnecting is queued by the client and sent on reconnect; errors only on a closing client.
    await client.publish(gatewayTopic(this.apId, kind, this.namespace), JSON.stringify(this.extras.dress(body)), { qos: 1 }).catch(() => {});
  }
}
