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
