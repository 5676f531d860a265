/**
 * The bench flags every bench-aware command shares: `--bench FILE` (default `lockbench.config.json` in the
 * caller's directory, when there is one), `--place NAME` and `--env-file FILE`. They are taken out of the
 * command line and turned into the `LOCKBENCH_*` variables the targets already read, before anything starts;
 * real variables override both files. A bad file stops the command once, up front (README "Exit codes": 2).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { resolveBench, type BenchPlace } from './bench-file.ts';

/** The bench file looked for in the caller's directory when `--bench` is not given. */
export const BENCH_FILE = 'lockbench.config.json';

export const BENCH_FLAGS: readonly (readonly [flag: string, meaning: string])[] = [
  ['--bench FILE', `bench file (docs/bench-file.md); default ./${BENCH_FILE} when it exists`],
  ['--place NAME', 'the place of the bench file to run on; default its default_place, or its only place'],
  ['--env-file FILE', 'KEY=value lines (secrets the bench file references, LOCKBENCH_* variables); real variables win'],
];

export interface BenchApplied {
  /** The command line without the bench flags. */
  argv: string[];
  /** The place used, when a bench file was read. */
  bench?: BenchPlace & { file: string };
  /** Variables the files set (names only are ever printed). */
  set: string[];
}

/** Take `--name V` / `--name=V` out of argv (before any `--`); the last one given wins. */
function takeFlag(argv: string[], name: string): { value?: string; error?: string } {
  let value: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') break;
    if (a === name) {
      const v = argv[i + 1];
      if (v === undefined || v.startsWith('--')) return { error: `${name} needs a value` };
      value = v;
      argv.splice(i, 2);
      i--;
    } else if (a.startsWith(`${name}=`)) {
      value = a.slice(name.length + 1);
      argv.splice(i, 1);
      i--;
    }
  }
  return { value };
}

/**
 * Apply the bench flags of `argv` to `env` (mutated: the targets and the children read it), relative to
 * `cwd`. Throws BenchError with every problem, each naming its flag, file and JSON path.
 */
export function applyBench(argv: readonly string[], env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): BenchApplied {
  const rest = [...argv];
  const flags = { bench: takeFlag(rest, '--bench'), place: takeFlag(rest, '--place'), envFile: takeFlag(rest, '--env-file') };
  const flagError = Object.values(flags).find((f) => f.error)?.error;
  if (flagError) throw new BenchError([flagError]);
  const set: string[] = [];
  const setIfUnset = (vars: Record<string, string | undefined>): void => {
    for (const [k, v] of Object.entries(vars)) {
      if (v === undefined || env[k] !== undefined) continue;
      env[k] = v;
      set.push(k);
    }
  };
  if (flags.envFile.value !== undefined) {
    const path = resolve(cwd, flags.envFile.value);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      throw new BenchError([`--env-file ${flags.envFile.value}: cannot read it (${(e as NodeJS.ErrnoException).code ?? String(e)})`]);
    }
    setIfUnset(parseEnv(text));
  }
  const explicit = flags.bench.value !== undefined;
  const file = resolve(cwd, flags.bench.value ?? BENCH_FILE);
  if (!explicit && !existsSync(file)) {
    if (flags.place.value !== undefined) throw new BenchError([`--place ${flags.place.value}: no bench file (give --bench FILE, or put ${BENCH_FILE} here)`]);
    return { argv: rest, set };
  }
  const shown = explicit ? flags.bench.value! : BENCH_FILE;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    const why = e instanceof SyntaxError ? `is not valid JSON: ${e.message}` : `cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`;
    throw new BenchError([`bench file ${shown} ${why}`]);
  }
  const r = resolveBench(raw, { ...(flags.place.value !== undefined ? { pick: flags.place.value } : {}), env, dir: dirname(file) });
  if (!r.ok) throw new BenchError(r.problems.map((p) => `${shown}: ${p.path}: ${p.message}`));
  setIfUnset(r.bench.variables);
  return { argv: rest, bench: { ...r.bench, file: shown }, set };
}

/** A bench that cannot be used: every problem, one a line. */
export class BenchError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'BenchError';
  }
}

/**
 * `applyBench` for a command's main: a bad bench prints every problem and exits 2 (usage) before anything
 * starts; a good one says which place it runs on (never a value: they may be secrets).
 */
export function benchOrExit(name: string, argv: readonly string[] = process.argv.slice(2)): BenchApplied {
  try {
    const applied = applyBench(argv);
    if (applied.bench) process.stderr.write(`${name}: bench ${applied.bench.file}, place ${applied.bench.place} (${applied.bench.target})\n`);
    return applied;
  } catch (e) {
    if (!(e instanceof BenchError)) throw e;
    process.stderr.write(`${name}: the bench cannot be used (exit 2):\n${e.problems.map((p) => `  ${p}`).join('\n')}\n`);
    process.exit(2);
  }
}
