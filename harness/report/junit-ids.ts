/**
 * Check IDs in JUnit test names (DESIGN §14: `… @PWD-05`), so CI dashboards trace a red test to
 * the plan. Playwright's junit reporter names a test case by its title path only; tags given as
 * `{ tag }` are not in it, and it has no option to add them. Rather than re-implement that reporter
 * (or retitle every spec), this one runs after it — Playwright calls reporters' `onEnd` in config
 * order, one after the other — and appends each test's check-ID tags to its `name` attribute in
 * the file already written. Collects in onBegin, writes once in onEnd, never throws.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { FullConfig, Reporter, Suite } from '@playwright/test/reporter';

const CHECK_TAG = /^@[A-Z][A-Z0-9]*-\d\d$/;

const decode = (s: string): string =>
  s.replace(/&(#x?[0-9a-fA-F]+|amp|lt|gt|quot|apos);/g, (_, e: string) =>
    e === 'amp' ? '&' : e === 'lt' ? '<' : e === 'gt' ? '>' : e === 'quot' ? '"' : e === 'apos' ? "'" : String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)));

/**
 * The junit XML with ` @ID` suffixes added to the names of test cases `tagsOf` knows; pure. Playwright's
 * `includeProjectInTestName` prefixes each name with `[project] ` (its suite's `hostname`): the lookup gets
 * the project and the name without that prefix, so the two profiles' cases stay apart.
 */
export function withCheckIds(xml: string, tagsOf: (classname: string, name: string, project: string) => readonly string[] | undefined): string {
  let project = '';
  return xml.replace(/<testsuite [^>]*>|<testcase name="([^"]*)" classname="([^"]*)"/g, (whole, rawName: string | undefined, rawClass: string | undefined) => {
    if (rawName === undefined || rawClass === undefined) {
      project = decode(/ hostname="([^"]*)"/.exec(whole)?.[1] ?? '');
      return whole;
    }
    const name = decode(rawName);
    const prefix = project && name.startsWith(`[${project}] `) ? `[${project}] ` : '';
    const add = (tagsOf(decode(rawClass), name.slice(prefix.length), project) ?? []).filter((t) => CHECK_TAG.test(t) && !name.split(/\s+/).includes(t));
    return add.length ? `<testcase name="${rawName} ${add.join(' ')}" classname="${rawClass}"` : whole;
  });
}

export default class JUnitCheckIds implements Reporter {
  private readonly tags = new Map<string, readonly string[]>();
  private readonly junitFile: string;

  constructor(options: { junitFile?: string } = {}) {
    this.junitFile = options.junitFile ?? 'reports/junit.xml';
  }

  onBegin(_config: FullConfig, suite: Suite): void {
    // Keyed as the junit reporter names a case: its project, classname = file suite title, name = the titles below it.
    for (const t of suite.allTests()) {
      const path = t.titlePath();
      this.tags.set(`${path[1]}\u0000${path[2]}\u0000${path.slice(3).join(' › ')}`, t.tags);
    }
  }

  onEnd(): void {
    try {
      const xml = readFileSync(this.junitFile, 'utf8');
      writeFileSync(this.junitFile, withCheckIds(xml, (c, n, p) => this.tags.get(`${p}\u0000${c}\u0000${n}`)));
    } catch (e) {
      process.stderr.write(`junit check ids: ${(e as Error).message}\n`);
    }
  }

  printsToStdio(): boolean {
    return false;
  }
}
