import { Readable } from 'node:stream';

/** The fields of a retained PUBLISH that aedes reads back when it replays one to a new subscriber. */
export interface RetainedPacket {
  cmd: string;
  topic: string;
  payload: Buffer | string;
  qos: number;
  retain?: boolean;
}

/** Whether an MQTT filter has a wildcard (MQTT 3.1.1 §4.7.1); without one it names exactly one topic. */
export function hasWildcard(filter: string): boolean {
  return filter.includes('+') || filter.includes('#');
}

/**
 * Whether `topic` matches the subscription `filter` (MQTT 3.1.1 §4.7): `+` is one level, a final
 * `#` is the parent level and everything below; a filter starting with a wildcard never matches a
 * `$` topic (§4.7.2).
 */
export function topicMatches(filter: string, topic: string): boolean {
  if (!hasWildcard(filter)) return filter === topic;
  if (topic.startsWith('$') && (filter.startsWith('+') || filter.startsWith('#'))) return false;
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return i === f.length - 1;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

/**
 * Retained messages by exact topic. aedes-persistence's memory store scans every retained message
 * for every subscribe; each gateway subscribes to its own exact `cmd` topic (DESIGN §4), so a fleet
 * start was quadratic in gateways. Here an exact filter is one map lookup and only wildcard
 * filters scan.
 */
export class RetainedIndex {
  private readonly byTopic = new Map<string, RetainedPacket>();

  /** Store (or, with an empty payload, delete) the retained message of `packet.topic` (MQTT-3.3.1-10). */
  store(packet: RetainedPacket): void {
    if (packet.payload.length === 0) this.byTopic.delete(packet.topic);
    else this.byTopic.set(packet.topic, { ...packet });
  }

  /** How many topics hold a retained message. */
  get size(): number {
    return this.byTopic.size;
  }

  /** The retained messages matching `filter`, in the order their topics were first retained. */
  *matching(filter: string): Generator<RetainedPacket> {
    if (!hasWildcard(filter)) {
      const p = this.byTopic.get(filter);
      if (p) yield p;
      return;
    }
    for (const [topic, p] of this.byTopic) if (topicMatches(filter, topic)) yield p;
  }

  /** The retained messages matching any of `filters`, filter by filter (as aedes-persistence does). */
  *matchingAny(filters: readonly string[]): Generator<RetainedPacket> {
    for (const f of filters) yield* this.matching(f);
  }
}

/** The part of an aedes persistence this module replaces. */
interface RetainedMethods {
  storeRetained(packet: RetainedPacket, cb?: (err: Error | null) => void): Promise<void> | void;
  createRetainedStream(pattern: string): Readable;
  createRetainedStreamCombi(patterns: string[]): Readable;
}

/**
 * An aedes persistence (aedes `persistence` option) that is `inner` for everything except retained
 * messages, which live in a `RetainedIndex`. `inner` is aedes-persistence's memory store; every other
 * method (sessions, subscriptions, wills, QoS 1 outgoing) is its own, bound to it.
 */
export function withRetainedIndex<P extends object>(inner: P, index = new RetainedIndex()): P {
  const own: RetainedMethods = {
    storeRetained(packet, cb) {
      index.store(packet);
      if (cb) return void process.nextTick(cb, null);
      return Promise.resolve();
    },
    createRetainedStream: (pattern) => Readable.from(index.matching(pattern)),
    createRetainedStreamCombi: (patterns) => Readable.from(index.matchingAny(patterns)),
  };
  // aedes looks a method up for every packet: bind each of inner's methods once.
  const bound = new Map<PropertyKey, { of: unknown; fn: unknown }>();
  return new Proxy(inner, {
    get(target, prop) {
      if (Object.hasOwn(own, prop)) return own[prop as keyof RetainedMethods];
      const v: unknown = Reflect.get(target, prop, target);
      if (typeof v !== 'function') return v;
      let b = bound.get(prop);
      if (b?.of !== v) bound.set(prop, (b = { of: v, fn: (v as (...a: unknown[]) => unknown).bind(target) }));
      return b.fn;
    },
  });
}
