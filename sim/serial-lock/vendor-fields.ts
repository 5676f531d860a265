import type { JsonObject } from '../protocol/lockwire.ts';

/**
 * A vendor's diagnostics added to a body at every level (DESIGN §6: answers and events may carry
 * fields beyond those named; the host ignores what it does not know): one at the top, one in each
 * nested object, none replacing a named field.
 */
export function vendorFields(body: JsonObject, seq: number): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(body)) {
    out[k] = v !== null && typeof v === 'object' && !Array.isArray(v) ? vendorFields(v as JsonObject, seq) : v;
  }
  if (!('vnd_diag' in out)) out.vnd_diag = { rssi_dbm: -40 - (seq % 30), fw_build: 'x-17', flags: [seq & 1, 0] };
  if (!('vnd_seq' in out)) out.vnd_seq = seq;
  return out;
}
