import { setTimeout as sleep } from 'node:timers/promises';
import { gatewayTopic, type Ack } from '../protocol/index.ts';
import type { GatewayMqtt } from '../io/index.ts';
import { FaultDice } from '../random.ts';
import { CommandDedup } from './command-dedup.ts';
import { EventBuffer } from './event-buffer.ts';
import { extraFields, NO_EXTRAS, type ExtraFields } from './extra-fields.ts';
import type { EventListener, LockLink, LockLinkGroup } from './link.ts';
import { gatewaySeams, type GatewaySeams } from './seeded.ts';
import { tuningOf, type GatewayTuning } from './gateway-tuning.ts';
import type { GatewayOptions, GatewayStats } from './gateway-options.ts';

type Counter = Exclude<keyof GatewayStats, 'eventsDropped'>;

/**
 * What a virtual gateway holds and the small steps every part of it takes (pauses, the ack's publish,
 * counters). An idle gateway of a fleet holds only scalars and shared objects here (DESIGN §13 memory
 * per gateway session): its counters, event queue, command ids and dice are made at their first use.
 * The parts that act on it extend it: the uplink (`gateway-uplink.ts`), commands (`gateway-commands.ts`)
 * and the lifecycle (`gateway.ts`), methods on shared prototypes rather than a closure per gateway.
 */
export class GatewayCore {
  readonly apId: number;
  /** Fault knob: deliver each of the next N commands twice, as a QoS 1 redelivery would (TEST-PLAN GW-04). */
  redeliverNext = 0;
  /** Real-time delay before acting on each command and before publishing each ack/event, ms. */
  latencyMs = 0;
  protected readonly secret: string;
  protected readonly mqttUrl: string;
  /** The world's namespace on the broker (DESIGN §13); every topic this gateway names carries it. */
  protected readonly namespace: string;
  /** Options beyond identity, shared by every gateway made with the same ones (`gateway-tuning.ts`). */
  protected readonly tuning: GatewayTuning;
  /** Where seeded defects act (`seeded.ts`); each takes the contract step. */
  protected readonly seams: GatewaySeams;
  /** Fields beyond §4's on what it sends (`extraFields`), or none. */
  protected readonly extras: ExtraFields;
  /** `faults`, made at the first look (the control API's): a fleet's gateways never roll dice, and a seeded generator is ~0.7 KB under tsx. */
  protected faultsMade: FaultDice | null = null;
  /** Traffic counters, made at the first count. */
  private counts: Record<Counter, number> | null = null;
  /** Events not delivered yet, made at the first event (`events`). */
  protected eventBuffer: EventBuffer<object> | null = null;
  /** Command ids seen (DESIGN §4 dedup), made at the first command; a reboot forgets them. */
  protected dedupMade: CommandDedup<Ack> | null = null;
  /** Per-lock links (a serial link, a test's), made at the first: a fleet's gateway reaches its locks through a group (DESIGN §13). */
  protected links: Map<number, { link: LockLink; off: () => void }> | null = null;
  /** Locks reached through a group (a fleet's radio); a link to the same lock goes first. */
  protected groups: { group: LockLinkGroup; off: () => void }[] | null = null;
  /** One listener for every link's events (not a closure per lock), made at the first link. */
  protected linkListener: EventListener | null = null;
  protected client: GatewayMqtt | null = null;
  /**
   * The session being set up: with `cleanSession` false the broker hands over the `cmd`s it kept
   * before `openSession` resolves, and their acks go out on it (DESIGN §4: every command is acked).
   */
  protected opening: Promise<GatewayMqtt> | null = null;
  protected partitionedNow = false;
  /** Commands being handled (their pauses, the lock's answer, the ack's publish) and stray publishes not yet acknowledged. */
  protected handling = 0;
  protected nextEventId: number;
  protected closed = false;
  /** Cuts short a pause when the gateway closes; made at the first pause (most gateways of a fleet never pause). */
  protected aborter: AbortController | null = null;

  protected constructor(opts: GatewayOptions) {
    this.apId = opts.apId;
    this.secret = opts.secret;
    this.mqttUrl = opts.mqttUrl;
    this.namespace = opts.namespace ?? '';
    this.tuning = tuningOf(opts);
    this.seams = gatewaySeams(opts.defects);
    this.extras = opts.extraFields ? extraFields() : NO_EXTRAS;
    this.nextEventId = this.tuning.firstEventId;
  }

  /** Fault rates (control API `drop_rate`, `latency_ms: {mean, jitter}`): a share of commands dropped, latency drawn per hop, from the world's seed. */
  get faults(): FaultDice {
    return (this.faultsMade ??= new FaultDice(`gateway:${this.apId}`));
  }

  /** Counters of the gateway's traffic. */
  get stats(): GatewayStats {
    const c = this.counts;
    const buf = this.eventBuffer;
    return {
      commands: c?.commands ?? 0, duplicates: c?.duplicates ?? 0, dropped: c?.dropped ?? 0, events: c?.events ?? 0,
      eventsDropped: buf ? buf.dropped + buf.droppedLive : 0, eventsHeldBack: c?.eventsHeldBack ?? 0,
    };
  }

  /** Connected and not cleanly disconnected. */
  get online(): boolean {
    return this.client !== null && this.client.connected;
  }

  protected count(counter: Counter): void {
    (this.counts ??= { commands: 0, duplicates: 0, dropped: 0, events: 0, eventsHeldBack: 0 })[counter]++;
  }

  /** The queue of events not delivered yet (DESIGN §3.3), made now if it was not. */
  protected get events(): EventBuffer<object> {
    return (this.eventBuffer ??= new EventBuffer(this.tuning.eventBufferMax));
  }

  protected get dedup(): CommandDedup<Ack> {
    return (this.dedupMade ??= new CommandDedup<Ack>(256));
  }

  protected get uplinkUp(): boolean {
    return this.online && !this.partitionedNow;
  }

  /** Wait `latencyMs` and a drawn latency (fault rates); false if the gateway closed meanwhile. */
  protected delay(): Promise<boolean> {
    return this.pause(this.latencyMs + (this.faultsMade?.latencyMs() ?? 0));
  }

  /** Wait `ms` of real time; false if the gateway closed meanwhile. */
  protected async pause(ms: number): Promise<boolean> {
    if (ms <= 0) return true;
    if (this.closed) return false;
    try {
      await sleep(ms, undefined, { signal: (this.aborter ??= new AbortController()).signal });
      return true;
    } catch {
      return false;
    }
  }

  protected async publish(kind: 'ack', body: object): Promise<void> {
    if (!(await this.delay())) return;
    const client = this.client ?? (await this.opening?.catch(() => null)) ?? null;
    if (this.partitionedNow || client === null) {
      this.count('dropped');
      return;
    }
    // QoS 1 while reconnecting is queued by the client and sent on reconnect; errors only on a closing client.
    await client.publish(gatewayTopic(this.apId, kind, this.namespace), JSON.stringify(this.extras.dress(body)), { qos: 1 }).catch(() => {});
  }
}
