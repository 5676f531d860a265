/** What every lockbench command shares: flag parsing with messages naming the flag, stderr logs, clean stop. */
import { parseArgs, type ParseArgsConfig } from 'node:util';

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
}

/** The shared command-line helpers of the command called `name`. */
export function cli(name: string): Cli {
  const fail = (message: string, code = 2): never => {
    process.stderr.write(`${name}: ${message}\n`);
    process.exit(code);
  };
  const log = (line: string): void => void process.stderr.write(`${name}: ${line}\n`);
  return {
    fail,
    log,
    uint(v, flag, min, max) {
      const n = Number(v);
      if (v === undefined || !/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < min || n > max) {
        fail(`${flag} must be an integer ${min}…${max}, got "${v ?? ''}"`);
      }
      return n;
    },
    parse(options) {
      try {
        return parseArgs({ options, strict: true }).values;
      } catch (e) {
        return fail((e as Error).message);
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
