import { parseAck, parseEvent, parseGatewayTopic, parseStatus, type Parsed } from '../protocol/index.ts';

/** Characters of a payload quoted in a malformed message's line. */
const QUOTED = 120;

const PARSERS: Record<string, ((raw: Buffer | string) => Parsed<unknown>) | undefined> = { status: parseStatus, ack: parseAck, event: parseEvent };

/**
 * Why a gateway's publish on its own `status`, `ack` or `event` is not a §4 message the cloud can
 * take (`event {"lock_time":1e300,…}: lock_time must be …`), or null when it is one or is not on such
 * a topic. The cloud drops such messages and counts them (DESIGN §4); this names the device that
 * sent them (TEST-PLAN GWP-02, GWP-06).
 */
export function malformedReason(topic: string, payload: Buffer | string): string | null {
  const t = parseGatewayTopic(topic);
  const parse = t ? PARSERS[t.kind] : undefined;
  if (!t || !parse) return null;
  const r = parse(payload);
  if (r.ok) return null;
  const text = Buffer.isBuffer(payload) ? payload.subarray(0, QUOTED * 4).toString('utf8') : payload;
  return `${t.kind} ${text.length > QUOTED ? `${text.slice(0, QUOTED)}…` : text}: ${r.error}`;
}
