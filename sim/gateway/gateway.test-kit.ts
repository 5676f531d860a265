import type { MqttClient } from 'mqtt';
import { gatewayTopic, type LockEvent, type LockOp, type StateData, type TimeSyncResult, type LockResult } from '../protocol/index.ts';
import type { LockAnswer, LockFirmware } from '../lock/types.ts';
import { mqttClient, withTimeout } from '../io/index.ts';
import { Broker } from '../broker/broker.ts';
import { VirtualGateway } from './gateway.ts';
import type { GatewayOptions } from './gateway-options.ts';
import { RadioLink } from './radio-link.ts';

/** A scripted lock for gateway tests: records every op and answers `answer(op)` (default ok). */
export class FakeLock implements LockFirmware {
  reachable = true;
  readonly ops: LockOp[] = [];
  answer: (op: LockOp) => LockAnswer = () => ({ result: 'ok', data: {} });
  private readonly listeners = new Set<(ev: LockEvent) => void>();

  constructor(readonly lockId: number) {}

  /** Record the op and answer it. */
  execute(op: LockOp): LockAnswer {
    this.ops.push(op);
    return this.answer(op);
  }

  /** Emit an event to every subscriber. */
  emit(ev: LockEvent): void {
    for (const l of this.listeners) l(ev);
  }

  /** How many event subscribers are attached. */
  get listenerCount(): number {
    return this.listeners.size;
  }

  onEvent(listener: (ev: LockEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  keypad(_password: string): LockResult {
    throw new Error('FakeLock: keypad not scripted');
  }

  bleUnlock(_uid: number): LockResult {
    throw new Error('FakeLock: bleUnlock not scripted');
  }

  bleTimeSync(_seq: number, _key1: number, _key2: number): { result: TimeSyncResult; lock_time: number } {
    throw new Error('FakeLock: bleTimeSync not scripted');
  }

  state(): StateData {
    return { is_abnormal: false, low_voltage: false, battery_pct: 80, lock_time: 0 };
  }

  clockInfo(): { lock_time: number; trusted: boolean } {
    return { lock_time: 0, trusted: true };
  }
}

/** One message a probe received. */
export interface Received {
  topic: string;
  body: unknown;
  retain: boolean;
}

/**
 * A cloud-side MQTT client for tests: subscribes to every gateway's status, ack and event, records
 * what arrives, and sends commands.
 */
export class CloudProbe {
  readonly received: Received[] = [];
  private readonly waiters = new Set<() => void>();

  private constructor(readonly client: MqttClient) {
    client.on('message', (topic, payload, packet) => {
      let body: unknown;
      try {
        body = JSON.parse(payload.toString('utf8'));
      } catch {
        body = payload.toString('utf8');
      }
      this.received.push({ topic, body, retain: packet.retain });
      for (const w of this.waiters) w();
    });
  }

  /** Connect as `cloud` with Nagle off and subscribe to `kexin/v1/gw/+/{status,ack,event}`. */
  static async connect(url: string, password: string, timeoutMs = 1000): Promise<CloudProbe> {
    const client = mqttClient(url, { protocolVersion: 4, username: 'cloud', password, reconnectPeriod: 0, connectTimeout: timeoutMs });
    client.on('error', () => {});
    await withTimeout(new Promise<void>((resolve) => client.once('connect', () => resolve())), timeoutMs, 'cloud probe connect');
    const probe = new CloudProbe(client);
    await client.subscribeAsync(['status', 'ack', 'event'].map((k) => `kexin/v1/gw/+/${k}`), { qos: 1 });
    return probe;
  }

  /** Publish a command body (object, or raw string for malformed input) to a gateway's `cmd`. */
  async send(apId: number, body: object | string): Promise<void> {
    await this.client.publishAsync(gatewayTopic(apId, 'cmd', ''), typeof body === 'string' ? body : JSON.stringify(body), { qos: 1 });
  }

  /** The first message (already received or future) matching `pred`; rejects after `timeoutMs`. */
  waitFor(pred: (m: Received) => boolean, timeoutMs: number, what = 'message'): Promise<Received> {
    const found = this.received.find(pred);
    if (found) return Promise.resolve(found);
    let check = (): void => {};
    const p = new Promise<Received>((resolve) => {
      check = () => {
        const m = this.received.find(pred);
        if (m) resolve(m);
      };
      this.waiters.add(check);
    });
    return withTimeout(p, timeoutMs, what).finally(() => this.waiters.delete(check));
  }

  /** Messages received so far on one gateway topic. */
  on(apId: number, kind: 'status' | 'ack' | 'event'): Received[] {
    const topic = gatewayTopic(apId, kind, '');
    return this.received.filter((m) => m.topic === topic);
  }

  async close(): Promise<void> {
    await this.client.endAsync(true);
  }
}

/** The lock every `withGateway` gateway fronts. */
export const KIT_LOCK = 1000001;

/** A `status` message of gateway `ap` saying `online`. */
export const statusIs = (ap: number, online: boolean) => (m: Received): boolean =>
  m.topic === `kexin/v1/gw/${ap}/status` && (m.body as { online?: boolean }).online === online;

/**
 * A broker, a cloud-side probe and virtual gateway `ap` fronting one fake lock (`KIT_LOCK`) over a radio
 * link, for one test body; everything is closed afterwards.
 */
export async function withGateway(
  ap: number, opts: Partial<GatewayOptions>, body: (w: { probe: CloudProbe; gw: VirtualGateway; lock: FakeLock; broker: Broker }) => Promise<void>,
): Promise<void> {
  const broker = await Broker.create({ cloudPassword: 'cloud-pw', gatewaySecret: (id) => (id === ap ? 'gw-secret' : undefined) });
  const probe = await CloudProbe.connect(broker.url, 'cloud-pw');
  const lock = new FakeLock(KIT_LOCK);
  let gw: VirtualGateway | undefined;
  try {
    gw = await VirtualGateway.create({ apId: ap, secret: 'gw-secret', mqttUrl: broker.url, links: [new RadioLink(lock)], reconnectPeriodMs: 50, ...opts });
    await body({ probe, gw, lock, broker });
  } finally {
    await gw?.close();
    await probe.close();
    await broker.close();
  }
}
