import type { Journal, JournalEntry } from '../sim/cloud/journal.ts';

/**
 * Most bytes waiting in stderr's buffer before journal lines are skipped: a reader that stops reading
 * (a paused terminal, a full pipe) must never grow the simulator's memory or block the world.
 */
const STDERR_BACKLOG_MAX_BYTES = 1024 * 1024;

/** `npm run sim -- --journal`: every journal entry (those of the start first) as one JSON line on stderr; lines skipped under backpressure are counted in one notice. */
export function streamJournal(world: { journal: Journal }, out: Pick<NodeJS.WriteStream, 'write' | 'writableLength'> = process.stderr): void {
  let skipped = 0;
  const print = (entry: JournalEntry): void => {
    if (out.writableLength > STDERR_BACKLOG_MAX_BYTES) {
      skipped++;
      return;
    }
    if (skipped > 0) {
      out.write(`${JSON.stringify({ journal_lines_skipped: skipped })}\n`);
      skipped = 0;
    }
    out.write(`${JSON.stringify(entry)}\n`);
  };
  // What the world journaled while it started (the gateways' first statuses) comes first.
  for (const entry of world.journal.list()) print(entry);
  world.journal.subscribe(print);
}
