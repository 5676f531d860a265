/**
 * "DESIGN §N" in this repository means the section headed §N under docs/ (docs/README.md). This check reads
 * every tracked file and reports each citation, link or pointer into docs/ that does not resolve: a §N no
 * heading carries, a `docs/<file>.md#anchor` whose file or heading is missing, a `docs/<file>.md §N` whose file
 * does not hold §N, and a bare "DESIGN §N" in the README or a command's help text (those point into docs/).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CITATION, docHeadings, sectionsOf, slugOf } from './doc-sections.ts';
import { REPO_ROOT } from './rooms.ts';

export { docHeadings, sectionsOf, slugOf };

export interface Problem {
  file: string;
  line: number;
  why: string;
}

const SECTION = String.raw`§(\d+(?:\.\d+)?)`;
/** `docs/<file>.md`, with `#anchor` or ` §N` (the form help texts use) after it. */
const DOC_POINTER = new RegExp(String.raw`docs/([a-z0-9-]+\.md)(?:#([a-z0-9-]+))?(?:\s+${SECTION})?`, 'g');
/** A relative markdown link between documents under docs/: `](<file>.md#anchor)`. */
const DOC_LINK = /\]\(([a-z0-9-]+\.md)(?:#([a-z0-9-]+))?\)/g;

/** The sections a text cites, each with its line. */
export function citationsIn(text: string): { line: number; section: string }[] {
  return [...text.matchAll(CITATION)].flatMap((m) => {
    const line = lineAt(text, m.index);
    const chained = [...(m[2] ?? '').matchAll(/§(\d+(?:\.\d+)?)/g)].map((c) => c[1]!);
    return [m[1]!, ...chained].map((section) => ({ line, section }));
  });
}

function lineAt(text: string, index: number): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** What in `text` (the file `file`) does not resolve into docs/. */
export function problemsIn(file: string, text: string, headings: ReadonlyMap<string, string[]>): Problem[] {
  const sections = sectionsOf(headings);
  const out: Problem[] = [];
  for (const c of citationsIn(text)) {
    if (!sections.has(c.section)) out.push({ file, line: c.line, why: `cites DESIGN §${c.section}, which no heading under docs/ carries` });
  }
  const anchorProblem = (doc: string, anchor: string | undefined, section: string | undefined): string | undefined => {
    const hs = headings.get(doc);
    if (!hs) return `points to docs/${doc}, which does not exist`;
    if (anchor !== undefined && !hs.some((h) => slugOf(h) === anchor)) return `points to docs/${doc}#${anchor}, which no heading of docs/${doc} makes`;
    if (section !== undefined && sections.get(section)?.file !== doc) return `points to docs/${doc} §${section}, which docs/${doc} does not hold`;
    return undefined;
  };
  for (const m of text.matchAll(DOC_POINTER)) {
    const why = anchorProblem(m[1]!, m[2], m[3]);
    if (why) out.push({ file, line: lineAt(text, m.index), why });
  }
  if (file.startsWith('docs/')) {
    for (const m of text.matchAll(DOC_LINK)) {
      const why = anchorProblem(m[1]!, m[2], undefined);
      if (why) out.push({ file, line: lineAt(text, m.index), why });
    }
  }
  if (file === 'README.md') out.push(...bareIn(file, text.replace(/\[DESIGN [^\]]*\]\(docs\/[^)]*\)/g, ''), 'the README links each citation into docs/'));
  if (/^(bin|bench)\/[^/]+\.ts$/.test(file) && !/\.test\.ts$/.test(file)) out.push(...bareIn(file, codeOnly(text), 'a command says where: docs/<file>.md §N'));
  return out;
}

/** Bare "DESIGN §N" left in `text`. */
function bareIn(file: string, text: string, rule: string): Problem[] {
  return [...text.matchAll(/DESIGN\s+§\d+/g)].map((m) => ({ file, line: lineAt(text, m.index), why: `a bare "${m[0]}" (${rule})` }));
}

/** A command file's text with its comments blanked (line numbers kept): what is left are strings it prints. */
function codeOnly(source: string): string {
  return source
    .replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' '))
    .replace(/^\s*\/\/.*$/gm, '');
}

/** The repository's tracked text files (git decides what is tracked). */
export function trackedFiles(root: string = REPO_ROOT): string[] {
  return execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' })
    .split('\0')
    .filter((f) => f !== '' && existsSync(join(root, f)) && statSync(join(root, f)).isFile() && !/\.(png|jpe?g|gif|ico|zip|tgz|gz)$/.test(f));
}

/** This check's own tests, whose examples are made-up citations on purpose. */
const OWN_EXAMPLES = 'bin/citations.test.ts';

/** Every problem in the repository; a repository without docs/ headings or files is one. */
export function checkCitations(root: string = REPO_ROOT): Problem[] {
  const headings = docHeadings(root);
  const files = trackedFiles(root).filter((f) => f !== OWN_EXAMPLES);
  if (sectionsOf(headings).size === 0 || files.length === 0) return [{ file: 'docs/', line: 0, why: 'found no § headings under docs/ or no tracked files' }];
  return files.flatMap((f) => problemsIn(f, readFileSync(join(root, f), 'utf8'), headings));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const found = checkCitations();
  for (const p of found) console.log(`${p.file}:${p.line}: ${p.why}`);
  console.log(found.length === 0 ? 'citations: every DESIGN § resolves to a section of docs/' : `citations: ${found.length} do not resolve`);
  process.exit(found.length === 0 ? 0 : 1);
}
