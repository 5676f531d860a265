import { readFileSync } from 'node:fs';

/**
 * The check IDs of the test plan: the rows of the conformance matrix. They are read from the plan
 * itself (`docs/TEST-PLAN.md`, a copy of the shared plan so the project stands alone), never copied
 * by hand; a check with no test at all shows as "missing", which fails a whole-suite run.
 */
export interface Check {
  id: string;
  /** The plan's section, e.g. `DRIFT / TSYNC`. */
  area: string;
  title: string;
}

/** A check line of the plan: `- PWD-05 Lock acceptance …`. */
const CHECK_LINE = /^- ([A-Z][A-Z0-9]*-\d{2}) (.+)$/;
/** A section heading: `## DRIFT / TSYNC — lock clock and time sync`. */
const SECTION = /^## (.+?)(?: — .*)?$/;

/** Every check of a plan in TEST-PLAN.md's Markdown form, in the plan's order. */
export function parsePlan(markdown: string): Check[] {
  const checks: Check[] = [];
  let area = '';
  for (const line of markdown.split('\n')) {
    const section = SECTION.exec(line);
    if (section) area = section[1]!;
    const check = CHECK_LINE.exec(line);
    if (check) checks.push({ id: check[1]!, area, title: check[2]!.trim() });
  }
  return checks;
}

export const PLAN_URL = new URL('../../docs/TEST-PLAN.md', import.meta.url);

export const CHECKS: readonly Check[] = parsePlan(readFileSync(PLAN_URL, 'utf8'));

/**
 * The matrix rows of a run: lockbench's own plan (unless `builtIn` is false) followed by each team plan file
 * (`defineConfig({ plan })`, default `lockbench.plan.md`), in order. A team plan with no check line, or one that
 * names a check ID a plan before it already has, is an error naming the file (and the line of the second ID).
 */
export function planChecks(o: { builtIn?: boolean; planFiles?: readonly string[] } = {}): Check[] {
  const checks: Check[] = o.builtIn === false ? [] : [...CHECKS];
  const from = new Map(checks.map((c) => [c.id, 'lockbench\'s docs/TEST-PLAN.md']));
  for (const file of o.planFiles ?? []) {
    const markdown = readFileSync(file, 'utf8');
    const own = parsePlan(markdown);
    if (own.length === 0) throw new Error(`${file}: no check line ("- ACME-01 What it checks") under a "## AREA" heading`);
    for (const c of own) {
      const earlier = from.get(c.id);
      if (earlier) {
        const line = markdown.split('\n').findIndex((l) => CHECK_LINE.exec(l)?.[1] === c.id) + 1;
        throw new Error(`${file}:${line}: check ID ${c.id} is already in ${earlier}`);
      }
      from.set(c.id, file);
      checks.push(c);
    }
  }
  return checks;
}
