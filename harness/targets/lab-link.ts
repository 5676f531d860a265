import { SerialLink } from '../serial/serial-link.ts';
import type { LabConfig } from './lab-config.ts';
import { firstLinkSeq, saveLinkSeq } from './lab-state.ts';

/**
 * The lockwire link to a lab device (DESIGN §6, §11). Its request seqs continue where the last link
 * to that lock left off — reserved ahead of use in the lab state file — so a device that answers a
 * repeated seq from its cache never hands a new run (or the preflight) an answer meant for an
 * earlier one.
 */
export function labLink(cfg: LabConfig, statePath: string): SerialLink {
  return new SerialLink({
    path: cfg.path, lockId: cfg.lockId, retransmitMs: 300, tries: 3, reopenMs: 200,
    firstSeq: firstLinkSeq(statePath, cfg.lockId),
    reserveSeqs: (seq) => saveLinkSeq(statePath, cfg.lockId, seq),
  });
}
