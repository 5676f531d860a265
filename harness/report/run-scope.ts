/**
 * What part of the suite a run covers (DESIGN §13): only a whole-suite run must give every check of
 * the plan a result; a run of part of it (`--grep`, `--last-failed`, one file, one shard) exits by
 * the tests it ran. Pure: reads the runner's argv and config values.
 */
export interface RunScope {
  /** This run's shard, or null when unsharded. */
  shard: { current: number; total: number } | null;
  /** What narrows the run besides the shard (flags and file filters); empty for the whole suite. */
  filters: string[];
}

// Playwright `test` flags that narrow which tests run.
const NARROWING = new Set(['--grep', '-g', '--grep-invert', '--last-failed', '--only-changed', '--test-list', '--test-list-invert']);
// Flags whose value is the next argument when not written `--flag=value` (Playwright 1.65 `test`).
const TAKES_VALUE = new Set([
  '-c', '--config', '-g', '--grep', '--grep-invert', '--project', '--reporter', '--shard', '--timeout', '-j', '--workers',
  '--output', '--repeat-each', '--retries', '-x', '--max-failures', '--trace', '--tsconfig', '--test-list',
  '--test-list-invert', '--global-timeout', '--update-source-method',
]);
// Flags with an optional value: only `--flag=value` carries one.
const OPTIONAL_VALUE = new Set(['--only-changed', '-u', '--update-snapshots']);

/** The scope of a run from the runner's argv (`playwright … test ARGS`), its config grep and shard. */
export function runScope(argv: readonly string[], config: { grep: RegExp | RegExp[]; grepInvert: RegExp | RegExp[] | null; shard: { current: number; total: number } | null }): RunScope {
  const filters: string[] = [];
  const at = argv.indexOf('test');
  const args = at < 0 ? [] : argv.slice(at + 1);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const flag = a.split('=')[0]!;
    if (a === '--') break;
    if (a.startsWith('-')) {
      if (NARROWING.has(flag)) filters.push(a.includes('=') || !TAKES_VALUE.has(flag) ? a : `${a} ${args[i + 1] ?? ''}`);
      if (TAKES_VALUE.has(flag) && !a.includes('=') && !OPTIONAL_VALUE.has(flag)) i++;
      continue;
    }
    filters.push(`file filter ${a}`);
  }
  const greps = [config.grep].flat();
  if (greps.some((g) => g.source !== '.*' && g.source !== '(?:)')) filters.push(`config grep ${greps.map(String).join(' ')}`);
  if (config.grepInvert !== null && [config.grepInvert].flat().length > 0) filters.push('config grepInvert');
  return { shard: config.shard, filters: [...new Set(filters)] };
}

/** A whole-suite run: nothing narrows it and it is not one shard of several. */
export function isWholeSuite(s: RunScope): boolean {
  return s.filters.length === 0 && (s.shard === null || s.shard.total === 1);
}

/** Whether merged shard runs together make the whole suite: unnarrowed, and every shard 1…N of one N present. */
export function shardsMakeWholeSuite(scopes: readonly RunScope[]): boolean {
  if (scopes.length === 0 || scopes.some((s) => s.filters.length > 0)) return false;
  if (scopes.some(isWholeSuite)) return true;
  const totals = new Set(scopes.map((s) => s.shard?.total));
  if (totals.size !== 1) return false;
  const total = scopes[0]!.shard!.total;
  const have = new Set(scopes.map((s) => s.shard!.current));
  return Array.from({ length: total }, (_, i) => i + 1).every((k) => have.has(k));
}

/** How the matrix names a run's scope: `whole suite`, its filters, or its shard (`not run (--grep @PWD-05)`). */
export function scopeLabel(s: RunScope): string {
  const shard = s.shard && s.shard.total > 1 ? [`shard ${s.shard.current}/${s.shard.total}`] : [];
  const parts = [...s.filters, ...shard];
  return parts.length ? parts.join(', ') : 'whole suite';
}
