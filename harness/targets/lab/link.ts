import { SerialLink } from '../../serial/serial-link.ts';
import type { LabConfig } from './config.ts';
import type { LabState } from './state.ts';

/**
 * The lockwire link to a lab device (DESIGN §6, §11). Its seq space is the lab state's: a device may
 * answer a repeated seq from its cache for ever, across host runs, so no run (nor the preflight) sends
 * what an earlier one sent under the same seq, or any seq used in the last 10 s. Requests are sent
 * again after 500 ms (DESIGN §6): a device may take up to that long to answer.
 */
export function labLink(cfg: LabConfig, state: LabState): SerialLink {
  return new SerialLink({
    path: cfg.path, lockId: cfg.lockId, retransmitMs: 500, tries: 3, reopenMs: 200,
    ledger: state.ledger(cfg.lockId),
    defects: cfg.linkDefects,
    // Wall-clock ms: the ledger's times are compared across processes (transport time, not world time).
    wallMs: () => Date.now(),
  });
}
