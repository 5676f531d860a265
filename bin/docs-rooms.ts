/**
 * Prints the rooms table of `bin/rooms.ts` (DESIGN §1) into the documents that show it, between markers, so
 * the table has one source: `npm run docs:rooms` rewrites the copies, `--check` only says whether they
 * differ (and `bin/rooms.test.ts` fails when they do).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli } from './cli.ts';
import { REPO_ROOT, ROOMS, type Room } from './rooms.ts';

/** The documents that print the table, repo-relative. */
export const PRINTED_IN = ['README.md', 'docs/architecture.md'];

export const BEGIN = '<!-- rooms:begin (generated from bin/rooms.ts by `npm run docs:rooms`; edit the table there) -->';
export const END = '<!-- rooms:end -->';

const code = (s: string): string => `\`${s}\``;

function mayImportOf(r: Room): string {
  const values = r.mayImport.length === 0 ? (r.typesOnly ? 'types only' : 'nothing of ours') : r.mayImport.map(code).join(', ');
  return r.mayImportTypes?.length ? `${values}; types of ${r.mayImportTypes.map(code).join(', ')}` : values;
}

/** The table as markdown: one row per room, in the order of `ROOMS`. */
export function roomsTable(rooms: readonly Room[] = ROOMS): string {
  return [
    '| room | holds | may import |',
    '|---|---|---|',
    ...rooms.map((r) => `| ${code(r.holds)} | ${r.about} | ${mayImportOf(r)} |`),
  ].join('\n');
}

/** `doc` with the text between its markers replaced by `table`; an error names a document without both markers. */
export function withTable(doc: string, table: string, name: string): string {
  const b = doc.indexOf(BEGIN);
  const e = doc.indexOf(END);
  if (b === -1 || e === -1 || e < b) throw new Error(`${name}: the rooms table markers are missing (${BEGIN} … ${END})`);
  return `${doc.slice(0, b + BEGIN.length)}\n${table}\n${doc.slice(e)}`;
}

/** The printed copies that differ from the table (empty: every copy is the table). */
export function staleCopies(root: string = REPO_ROOT): string[] {
  const table = roomsTable();
  return PRINTED_IN.filter((f) => {
    const doc = readFileSync(join(root, f), 'utf8');
    return withTable(doc, table, f) !== doc;
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const c = cli('lockbench docs:rooms', {
    synopsis: 'npm run docs:rooms [-- --check]',
    about: `Print the rooms table of bin/rooms.ts into ${PRINTED_IN.join(' and ')} between their markers.`,
    options: [['--check', 'change nothing; exit 1 naming each copy that differs from the table']],
  });
  const { check } = c.parse({ check: { type: 'boolean', default: false } });
  const stale = staleCopies();
  if (check) {
    for (const f of stale) c.log(`${f}: the rooms table differs from bin/rooms.ts (run npm run docs:rooms)`);
    process.exit(stale.length === 0 ? 0 : 1);
  }
  for (const f of stale) {
    const p = join(REPO_ROOT, f);
    writeFileSync(p, withTable(readFileSync(p, 'utf8'), roomsTable(), f));
    c.log(`${f}: rooms table rewritten`);
  }
}
