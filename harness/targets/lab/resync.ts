import { crc16ccittFalse } from '../../../sim/protocol/lockwire.ts';
import type { SerialLink } from '../../serial/serial-link.ts';

/** One step of the device's robustness check: what was put on the wire and how the device answered next. */
export interface ResyncStep {
  step: string;
  ok: boolean;
  detail: string;
}

/** Let the device drop what it was sent before the next request, ms (115200 baud moves ~11 bytes a ms). */
const SETTLE_MS = 60;

/** A request frame for `info` under seq 0 (never used by the link's ledger), its CRC optionally spoilt. */
function infoFrame(badCrc: boolean): Buffer {
  const payload = Buffer.from('{"op":"info"}', 'utf8');
  const body = Buffer.concat([Buffer.from([0x01, 0x00, 0x01, payload.length >> 8, payload.length & 0xff]), payload]);
  const crc = crc16ccittFalse(body) ^ (badCrc ? 0x5a5a : 0);
  return Buffer.concat([Buffer.from([0x7e]), body, Buffer.from([crc >> 8, crc & 0xff])]);
}

/**
 * TEST-PLAN LAB-01 on the device (DESIGN §6 "Robustness"): after garbage, a frame with a bad CRC, a
 * frame with a bad length, and with a request split over two reads, the device still answers the next
 * request correctly — and never answers a frame it should have dropped (an answer under seq 0 would
 * arrive as a stray response).
 */
export async function deviceResync(link: SerialLink, lockId: number, callMs: number): Promise<ResyncStep[]> {
  const steps: ResyncStep[] = [];
  const ask = async (step: string): Promise<void> => {
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const strays = link.stats.strayResponses;
    const a = await link.info(callMs);
    const answeredDropped = link.stats.strayResponses > strays;
    const ok = a.ok && a.info.lock_id === lockId && !answeredDropped;
    const detail = !a.ok ? `the next request was answered ${a.result}` : a.info.lock_id !== lockId ? `info named lock ${a.info.lock_id}` : answeredDropped ? 'the device answered a frame it should have dropped' : 'answered';
    steps.push({ step, ok, detail });
  };
  link.writeRaw(Buffer.from('\x00\xff noise \x7e\x01\x02garbage\r\n', 'latin1'), 'garbage');
  await ask('after garbage');
  link.writeRaw(infoFrame(true), 'a request with a bad CRC');
  await ask('after a bad CRC');
  link.writeRaw(Buffer.from([0x7e, 0x01, 0x00, 0x01, 0xff, 0xff, 0x7b, 0x7d]), 'a header with a bad length (65535)');
  await ask('after a bad length');
  link.splitNext(40);
  await ask('a request split over two reads');
  return steps;
}
