/** `npm run report:merge -- DIR`: one report and one verdict from suite shards' blobs (DESIGN §13). */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { buildMatrix, missingOnSim, sequencesOf, type Matrix } from '../harness/report/matrix.ts';
import { CHECKS } from '../harness/report/checks.ts';
import { matrixHtml } from '../harness/report/matrix-html.ts';
import { scopeLabel, shardsMakeWholeSuite } from '../harness/report/run-scope.ts';
import type { ShardRecords } from '../harness/report/shard-records.ts';
import { playwrightCli } from '../harness/report/playwright-cli.ts';
import { cli } from './cli.ts';

// `.ts` here (through tsx), `.js` in the built package.
const MERGE_CONFIG = fileURLToPath(new URL(`../harness/report/merge.config${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url));

const HELP = `usage: npm run report:merge -- DIR [--out OUT]

Merges what \`LOCKBENCH_BLOB_DIR=DIR npm run conformance -- --shard K/N\` runs left in DIR into
OUT/html (Playwright HTML report), OUT/junit.xml, OUT/results.json and OUT/conformance.{html,json}.
The matrix holds only the merged runs' columns, each dated by its run. Exit 1 when any test failed
or, when the sim runs make the whole suite (every shard 1…N, nothing narrowed), a check of the plan
has no result on sim; exit 2 when DIR holds no run.

  --out OUT   output directory (default reports)
`;

const cmd = cli('lockbench report:merge');
if (process.argv.includes('--help')) {
  process.stdout.write(HELP);
  process.exit(0);
}
const parse = () => parseArgs({ options: { out: { type: 'string', default: 'reports' } }, allowPositionals: true, strict: true });
let parsed: ReturnType<typeof parse>;
try {
  parsed = parse();
} catch (e) {
  parsed = cmd.fail(`${(e as Error).message} (see --help)`);
}
if (parsed.positionals.length !== 1) cmd.fail('give exactly one DIR: the LOCKBENCH_BLOB_DIR of the shards (see --help)');
const dirArg = parsed.positionals[0]!;
const dir = resolve(dirArg);
const out = resolve(parsed.values.out);
if (!existsSync(dir)) cmd.fail(`${dir} does not exist`);

// Each run's blob sits in its own folder (the blob reporter empties its folder); merge-reports wants them in one.
const runs = readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory() && d.name !== 'matrix' && d.name !== 'sequences');
const zips = runs.flatMap((r) => readdirSync(join(dir, r.name)).filter((f) => f.endsWith('.zip')).map((f) => ({ run: r.name, file: f })));
const recordDir = join(dir, 'matrix');
const shards: ShardRecords[] = existsSync(recordDir)
  ? readdirSync(recordDir).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(join(recordDir, f), 'utf8')) as ShardRecords)
  : [];
if (zips.length === 0) cmd.fail(`no blob reports under ${dir} (run LOCKBENCH_BLOB_DIR=${dirArg} npm run conformance -- --shard K/N)`);

const staging = mkdtempSync(join(tmpdir(), 'lockbench-merge-'));
let mergeStatus: number | null;
try {
  for (const z of zips) copyFileSync(join(dir, z.run, z.file), join(staging, `${z.run}-${z.file}`));
  mkdirSync(out, { recursive: true });
  // The project's reporters, through Playwright's own merge (harness/report/merge.config.ts).
  const r = spawnSync(process.execPath, [playwrightCli(), 'merge-reports', '--config', MERGE_CONFIG, staging], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, LOCKBENCH_MERGE_OUT: out },
  });
  mergeStatus = r.status;
} finally {
  rmSync(staging, { recursive: true, force: true });
}
if (mergeStatus !== 0) cmd.fail(`playwright merge-reports exited ${mergeStatus}`, 1);

// Playwright's merge exits 0 even when tests failed: the verdict is computed here.
const stats = (JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { stats: { expected: number; unexpected: number; flaky: number; skipped: number } }).stats;
// The merged matrix is one run made of the shards' records (a check's tests may sit in several shards, so
// its cell is built from all of them at once), dated by the first shard and named by what the shards make.
const ordered = [...shards].sort((a, b) => a.startedAt.localeCompare(b.startedAt));
const sim = shards.filter((s) => s.target === 'sim');
const whole = sim.length > 0 && shardsMakeWholeSuite(sim.map((s) => s.scope));
const selected: Record<string, string[]> = {};
for (const s of ordered) {
  const sel = s.selected ?? Object.fromEntries([...new Set(s.records.map((r) => r.column))].map((c) => [c, s.records.filter((r) => r.column === c).flatMap((r) => r.checkIds)]));
  for (const [c, ids] of Object.entries(sel)) (selected[c] ??= []).push(...ids);
}
const first = ordered[0] ?? cmd.fail(`no matrix records under ${recordDir}`);
const scopes = [...new Set(ordered.map((s) => s.run?.scope ?? scopeLabel(s.scope)))];
// Each shard picks its own seed unless LOCKBENCH_SEED is set: the merged run names them all.
const seeds = [...new Set(ordered.flatMap((s) => (s.run?.seed ? [s.run.seed] : [])))];
const run = {
  ...(first.run ?? { defects: [] }), ...(seeds.length ? { seed: seeds.join(', ') } : {}),
  at: first.startedAt, scope: whole ? `whole suite (${ordered.length} runs merged)` : `merged: ${scopes.join('; ')}`,
};
// The rows: every shard's plan (a team's checks beside lockbench's), in the order the shards list them.
const checks = [...new Map(ordered.flatMap((s) => s.checks ?? CHECKS).map((c) => [c.id, c])).values()];
const matrix: Matrix = buildMatrix({ run, records: ordered.flatMap((s) => s.records), selected, wholeSuite: whole, checks });
writeFileSync(join(out, 'conformance.json'), `${JSON.stringify(matrix, null, 1)}\n`);
writeFileSync(join(out, 'conformance.html'), matrixHtml(matrix));
// The diagrams the matrix links, copied beside it so its links resolve inside OUT (DESIGN §14).
const linked = sequencesOf(matrix);
rmSync(join(out, 'sequences'), { recursive: true, force: true });
for (const rel of linked) {
  const from = join(dir, rel);
  if (!existsSync(from)) {
    cmd.log(`${rel}: not in ${dir} (a shard from before diagrams were kept with the blobs)`);
    continue;
  }
  mkdirSync(dirname(join(out, rel)), { recursive: true });
  copyFileSync(from, join(out, rel));
}

const missing = whole ? missingOnSim(matrix, matrix.columns) : [];
const failedCells = matrix.rows.flatMap((r) => matrix.columns.filter((c) => r.cells[c]?.status === 'fail').map((c) => `${r.id} (${c})`));
process.stdout.write(
  `report:merge: ${zips.length} blob(s), ${stats.expected} passed, ${stats.unexpected} failed, ${stats.flaky} flaky, ${stats.skipped} skipped; ` +
  `${whole ? 'whole suite' : 'part of the suite'}; matrix ${join(out, 'conformance.html')}\n`,
);
if (stats.unexpected > 0 || failedCells.length > 0) cmd.fail(`failed: ${stats.unexpected} test(s)${failedCells.length ? `; checks ${failedCells.join(', ')}` : ''}`, 1);
if (missing.length > 0) cmd.fail(`checks with no result on sim: ${missing.join(', ')}`, 1);
