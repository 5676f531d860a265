/**
 * The sections of the project's documents: which file under docs/ heads each §N, and the anchor of its
 * heading. The citation check reads it, and commands use it to turn a "DESIGN §N" in what they print into a
 * pointer a reader can follow (`docs/lockwire.md §6`).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './rooms.ts';

/** Where a section is: its file under docs/ and the anchor GitHub gives its heading. */
export interface Section {
  file: string;
  anchor: string;
}

/** The anchor GitHub derives from a heading: lower case, punctuation dropped, spaces to hyphens. */
export function slugOf(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
}

/** The markdown files under docs/ and their headings' anchors. */
export function docHeadings(root: string = REPO_ROOT): Map<string, string[]> {
  const dir = join(root, 'docs');
  const out = new Map<string, string[]>();
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.md')).sort()) {
    const headings = [...readFileSync(join(dir, name), 'utf8').matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) => m[1]!);
    out.set(name, headings);
  }
  return out;
}

/** Every section number headed under docs/ (`## §5.1 Request signature` → `5.1`). */
export function sectionsOf(headings: ReadonlyMap<string, string[]>): Map<string, Section> {
  const out = new Map<string, Section>();
  for (const [file, hs] of headings) {
    for (const h of hs) {
      const m = /^§(\d+(?:\.\d+)?)\s/.exec(h);
      if (m && !out.has(m[1]!)) out.set(m[1]!, { file, anchor: slugOf(h) });
    }
  }
  return out;
}

/** "DESIGN §4", and the sections chained after it: "§4, §13", "§4/§12", "§4–§6", "§5.4 and §6". */
export const CITATION = /DESIGN\s+§(\d+(?:\.\d+)?)((?:\s*(?:,|\/|–|-|and|or)\s*§\d+(?:\.\d+)?)*)/g;

/** `text` with each "DESIGN §N" (and the sections chained after it) turned into `docs/<file>.md §N`. */
export function pointersInto(text: string, sections: ReadonlyMap<string, Section> = sectionsOf(docHeadings())): string {
  return text.replace(CITATION, (whole, first: string, rest: string) => {
    let last = sections.get(first)?.file;
    if (last === undefined) return whole;
    const chained = rest.replace(/§(\d+(?:\.\d+)?)/g, (cite: string, n: string) => {
      const file = sections.get(n)?.file;
      if (file === undefined || file === last) return cite;
      last = file;
      return `docs/${file} ${cite}`;
    });
    return `docs/${sections.get(first)!.file} §${first}${chained}`;
  });
}
