import { JOURNAL_KINDS, type JournalEntry, type JournalKind, type JournalQuery } from '../cloud/journal.ts';
import { isUint32Id } from '../protocol/index.ts';
import type { WorldParts } from './world-parts.ts';
import { BadInput } from './json-http.ts';

/**
 * `GET /journal?since=&kind=&lock_id=` (DESIGN §8 extension): what clients sent the simulator and what
 * it answered, from the world's bounded journal (sim/cloud/journal.ts). A bad parameter is a 400 naming it.
 */

const PARAMS = ['since', 'kind', 'lock_id'];

/** The query's filters; an unknown or malformed parameter is refused by name. */
export function journalQuery(query: URLSearchParams): JournalQuery {
  for (const k of query.keys()) if (!PARAMS.includes(k)) throw new BadInput(`${k} is not a journal parameter (${PARAMS.join(', ')})`);
  const q: JournalQuery = {};
  const since = query.get('since');
  if (since !== null) {
    const n = Number(since);
    if (since === '' || !Number.isSafeInteger(n) || n < 0) throw new BadInput(`since must be an entry's seq (an integer ≥ 0), got "${since}"`);
    q.since = n;
  }
  const kind = query.get('kind');
  if (kind !== null) {
    if (!JOURNAL_KINDS.includes(kind as JournalKind)) throw new BadInput(`kind must be one of ${JOURNAL_KINDS.join(', ')}, got "${kind}"`);
    q.kind = kind as JournalKind;
  }
  const lockId = query.get('lock_id');
  if (lockId !== null) {
    const n = Number(lockId);
    if (lockId === '' || !isUint32Id(n)) throw new BadInput(`lock_id must be a uint32, got "${lockId}"`);
    q.lockId = n;
  }
  return q;
}

/** The answer of `GET /journal`: the matching entries, the ring's bound, and how many it has pushed out. */
export function journalView(world: WorldParts, query: URLSearchParams): { capacity: number; dropped: number; entries: JournalEntry[] } {
  const j = world.journal;
  return { capacity: j.capacity, dropped: j.dropped, entries: j.list(journalQuery(query)) };
}
