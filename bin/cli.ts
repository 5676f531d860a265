/** What every lockbench command shares: flag parsing with messages naming the flag, `--help`, stderr logs, clean stop. */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** What `--help` prints: one synopsis, what the command does, and each option with its unit and default. */
export interface Usage {
  synopsis: string;
  about: string;
  options?: readonly (readonly [flag: string, meaning: string])[];
  /** Lines after the options (environment variables, examples). */
  more?: readonly string[];
}

/** The help text of a command. */
export function helpText(u: Usage): string {
  const width = Math.max('--help'.length, ...(u.options ?? []).map(([f]) => f.length));
  const opts = (u.options ?? []).map(([f, m]) => `  ${f.padEnd(width)}  ${m}`);
  return [`usage: ${u.synopsis}`, '', u.about, ...(opts.length ? ['', 'options:', ...opts, `  ${'--help'.padEnd(width)}  print this help and exit`] : []), ...(u.more?.length ? ['', ...u.more] : [])].join('\n');
}

/** Whether argv asks for help (`--help` or `-h`) before any `--` separator. */
export function wantsHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

/** The names Playwright looks for in the working directory when no `--config` is given. */
const CONFIG_NAMES = ['ts', 'js', 'mts', 'mjs', 'cts', 'cjs'].map((e) => `playwright.config.${e}`);

/**
 * The `--config` a Playwright run of the suite takes: none when argv names one or the working directory has its own
 * (a team's three-line config, or this repository's), else the package's own config, so `npx lockbench
 * conformance` in any directory runs lockbench's suite (and a team's `tests/`, `lockbench.plan.md`: harness/config.ts).
 */
export function playwrightConfigArgs(argv: readonly string[], cwd = process.cwd()): string[] {
  if (argv.some((a) => a === '-c' || a === '--config' || a.startsWith('--config='))) return [];
  if (CONFIG_NAMES.some((n) => existsSync(`${cwd}/${n}`))) return [];
  const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
  return ['--config', fileURLToPath(new URL(`../playwright.config.${ext}`, import.meta.url))];
}

export interface Cli {
  /** Print `name: message` to stderr and exit (2 = bad arguments, 1 = failed at run time). */
  fail(message: string, code?: number): never;
  /** A log line on stderr (stdout carries only the ready line). */
  log(line: string): void;
  /** A whole number flag in [min, max], or fail naming the flag. */
  uint(v: string | undefined, flag: string, min: number, max: number): number;
  /** Parse the command's flags strictly, failing with parseArgs' message. */
  parse<T extends NonNullable<ParseArgsConfig['options']>>(options: T): ReturnType<typeof parseArgs<{ options: T; strict: true }>>['values'];
  /** On SIGINT/SIGTERM run `close` once and exit 0 (1 if it takes over 5 s). */
  onStop(close: () => Promise<void>): void;
  /** Print the help and exit 0 when argv asks for it (for commands that do not use `parse`). */
  helpIfAsked(argv?: readonly string[]): void;
}

/**
 * The shared command-line helpers of the command called `name`, whose `--help` prints `usage`;
 * without one, `--help` lists the flags `parse` was given, with their defaults.
 */
export function cli(name: string, usage?: Usage): Cli {
  let flags: Usage['options'] = [];
  const helpIfAsked = (argv: readonly string[] = process.argv.slice(2)): void => {
    if (!wantsHelp(argv)) return;
    process.stdout.write(`${helpText(usage ?? { synopsis: `${name} [options]`, about: 'See README.md for what each option means.', options: flags })}\n`);
    process.exit(0);
  };
  const fail = (message: string, code = 2): never => {
    process.stderr.write(`${name}: ${message}\n`);
    process.exit(code);
  };
  const log = (line: string): void => void process.stderr.write(`${name}: ${line}\n`);
  return {
    fail,
    log,
    helpIfAsked,
    uint(v, flag, min, max) {
      const n = Number(v);
      if (v === undefined || !/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < min || n > max) {
        fail(`${flag} must be an integer ${min}…${max}, got "${v ?? ''}"`);
      }
      return n;
    },
    parse(options) {
      flags = Object.entries(options).map(([k, o]) => [`--${k}${o.type === 'string' ? ' V' : ''}`, o.default === undefined ? 'no default' : `default ${JSON.stringify(o.default)}`] as const);
      helpIfAsked();
      try {
        return parseArgs({ options, strict: true }).values;
      } catch (e) {
        return fail(`${(e as Error).message} (see --help)`);
      }
    },
    onStop(close) {
      let stopping = false;
      const stop = async (signal: string): Promise<void> => {
        if (stopping) return;
        stopping = true;
        log(`${signal}, stopping`);
        setTimeout(() => fail('close took over 5 s, exiting anyway', 1), 5000).unref();
        await close();
        process.exit(0);
      };
      process.on('SIGINT', () => void stop('SIGINT'));
      process.on('SIGTERM', () => void stop('SIGTERM'));
    },
  };
}
