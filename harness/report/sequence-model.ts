/**
 * Who sent what to whom, read off a wire log (DESIGN §14): one message per entry, between the
 * participants of the world. Pure: the diagram (sequence-html.ts) draws what this decides.
 */
import type { WireEntry } from '../client/wire-log.ts';

export const PARTICIPANTS = ['client', 'control', 'cloud', 'broker', 'gateway', 'lock', 'push receiver'] as const;
export type Participant = (typeof PARTICIPANTS)[number];

/** One arrow: `via` are lifelines it passes through on the way (MQTT goes through the broker). */
export interface Message {
  index: number;
  entry: WireEntry;
  from: Participant;
  to: Participant;
  via: Participant[];
  /** A request/answer pair drawn as one arrow with heads at both ends (HTTP, control calls). */
  exchange: boolean;
  label: string;
}

/** DESIGN §4 topics `kexin/v1/gw/{ap_id}/{cmd|status|ack|event}` (a world namespace may prefix them). */
const GATEWAY_TOPIC = /(?:^|\/)kexin\/v1\/gw\/(\d+)\/(cmd|status|ack|event)$/;

/** The arrow of one wire-log entry. */
export function messageOf(entry: WireEntry, index: number): Message {
  const base = { index, entry, via: [] as Participant[], exchange: false, label: entry.summary };
  switch (entry.kind) {
    case 'http':
      return { ...base, from: 'client', to: 'cloud', exchange: true };
    case 'control':
      return { ...base, from: 'client', to: 'control', exchange: true, label: `control ${entry.summary}` };
    case 'push':
      return { ...base, from: 'cloud', to: 'push receiver', label: `push ${entry.summary.replace(/^→\s*/, 'to ')}` };
    case 'serial': {
      // harness/serial: `tx` is host (bridge gateway) → lock, `rx` lock → host.
      const rx = entry.summary.startsWith('rx');
      return { ...base, from: rx ? 'lock' : 'gateway', to: rx ? 'gateway' : 'lock', label: `serial ${entry.summary}` };
    }
    case 'mqtt': {
      const m = GATEWAY_TOPIC.exec(entry.summary);
      if (!m) return { ...base, from: 'gateway', to: 'broker', label: `mqtt ${entry.summary} (not a gateway topic)` };
      const down = m[2] === 'cmd';
      return { ...base, from: down ? 'cloud' : 'gateway', to: down ? 'gateway' : 'cloud', via: ['broker'], label: `mqtt ${entry.summary}` };
    }
  }
}

/** Every entry's arrow, in log order, and the lifelines used (client and cloud always, then in PARTICIPANTS order). */
export function sequenceOf(entries: readonly WireEntry[]): { participants: Participant[]; messages: Message[] } {
  const messages = entries.map(messageOf);
  const used = new Set<Participant>(['client', 'cloud']);
  for (const m of messages) for (const p of [m.from, m.to, ...m.via]) used.add(p);
  return { participants: PARTICIPANTS.filter((p) => used.has(p)), messages };
}

/** The payload of an entry as one line of JSON (what the diagram shows under the arrow and on hover). */
export function payloadText(entry: WireEntry): string {
  if (entry.detail === undefined) return '';
  return typeof entry.detail === 'string' ? entry.detail : JSON.stringify(entry.detail);
}
