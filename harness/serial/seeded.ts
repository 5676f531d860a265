import { roomDefects, seedParts, wrapStep, type WhereActs } from '../../sim/defects.ts';

/**
 * The steps of the host's lockwire link (DESIGN §6) a seeded defect may wrap, each as the contract has
 * it: a retransmit goes under the seq of the first send, so a device's answer cache can answer it.
 */
export interface LinkSeams {
  /** The seq a retransmit of a request first sent as `seq` goes under (`fresh` picks an unused one). */
  retransmitSeq(seq: number, fresh: () => number): number;
}

const CONTRACT_SEAMS: LinkSeams = Object.freeze({ retransmitSeq: (seq: number) => seq });

/** Where each of the link's seeded defects (`sim/defects.ts`, room `serial-link`) acts. */
const ACTS: WhereActs<'serial-link', LinkSeams> = {
  // The lock cannot tell a retransmit from a new request and acts twice: TEST-PLAN LAB-03.
  'link-retransmit-new-seq': (s) => wrapStep(s, 'retransmitSeq', () => (_seq, fresh) => fresh()),
};

/** The seams of a link seeded with `defects` (other rooms' names ignored, unknown ones refused). */
export function linkSeams(defects: readonly string[] = []): LinkSeams {
  if (defects.length === 0) return CONTRACT_SEAMS;
  const seams = { ...CONTRACT_SEAMS };
  seedParts('serial-link', roomDefects('serial-link', defects), ACTS, seams);
  return seams;
}
