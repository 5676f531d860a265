import { randomUUID } from 'node:crypto';
import { parseAck, type LockOp } from '../protocol/index.ts';
import type { GatewayRpc } from './gateway-rpc.ts';

/**
 * The harness's own lever on a gateway it does not control (TEST-PLAN GWP-02, GWP-03): the cloud
 * sends one command — or a raw payload — on the gateway's `cmd`, `copies` times with the same id
 * (each copy once the previous one was acked, as a QoS-1 redelivery after a lost PUBACK would),
 * and reports every ack the gateway sent meanwhile. Outside the endpoints' flow: these acks
 * answer no API call.
 */
export interface ProbeRequest {
  /** A command to send (`id` drawn fresh unless given), or `raw` text sent as is. */
  cmd?: { id?: string; lock_id: number } & LockOp;
  raw?: string;
  /** How many times the command goes out with the same id; default 1. */
  copies?: number;
  /** How long to wait for each copy's ack, real-time ms. */
  waitMs: number;
}

export interface ProbeAck {
  /** Real-time ms from the first copy to this ack. */
  after_ms: number;
  /** The ack's JSON body (or its text when it is not JSON). */
  body: unknown;
  /** Whether the ack's id is the command's id. */
  same_id: boolean;
  /** Whether it parses as a §4 ack at all. */
  well_formed: boolean;
}

export interface ProbeResult {
  id: string | null;
  sent: number;
  acks: ProbeAck[];
}

/** Run one probe over the cloud's MQTT client. */
export async function probeGateway(rpc: GatewayRpc, apId: number, req: ProbeRequest): Promise<ProbeResult> {
  const id = req.cmd ? (req.cmd.id ?? `probe-${randomUUID()}`) : null;
  const payload = req.cmd ? JSON.stringify({ ...req.cmd, id }) : (req.raw ?? '');
  const copies = req.cmd ? (req.copies ?? 1) : 1;
  const acks: ProbeAck[] = [];
  const t0 = performance.now();
  let wake = (): void => {};
  const off = rpc.tapAcks((from, raw) => {
    if (from !== apId) return;
    const text = raw.toString('utf8');
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON: kept as text, which is what the harness must report.
    }
    const parsed = parseAck(raw);
    acks.push({ after_ms: Math.round(performance.now() - t0), body, same_id: parsed.ok && parsed.value.id === id, well_formed: parsed.ok });
    wake();
  });
  try {
    let sent = 0;
    for (let i = 0; i < copies; i++) {
      await rpc.publishRaw(apId, payload);
      sent++;
      // Wait until this copy's ack is in (one more ack of this id), bounded by waitMs.
      const want = acks.filter((a) => a.same_id).length + 1;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, req.waitMs);
        wake = () => {
          if (acks.filter((a) => a.same_id).length >= want) {
            clearTimeout(timer);
            resolve();
          }
        };
        if (id === null) return;
        wake();
      });
    }
    return { id, sent, acks };
  } finally {
    off();
  }
}
