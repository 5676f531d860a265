import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { soak } from './soak.ts';

function whole(v: string | undefined, flag: string, def: number, min: number, max: number): number {
  if (v === undefined) return def;
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < min || n > max) throw new Error(`${flag} must be an integer ${min}…${max}, got "${v}"`);
  return n;
}

/** `--soak`: run the campaign, print its figures, and set key `soak` of the report at `out` (other keys kept). */
export async function runSoak(out: string, seconds: string | undefined, clients: string | undefined): Promise<void> {
  const opts = { seconds: whole(seconds, '--seconds', 20, 1, 3600), clients: whole(clients, '--clients', 8, 1, 256) };
  process.stderr.write(`bench: soak ${opts.seconds} s × ${opts.clients} clients…\n`);
  const figures = await soak(opts);
  let report: Record<string, unknown> = {};
  try {
    report = JSON.parse(await readFile(out, 'utf8')) as Record<string, unknown>;
  } catch {
    // No report yet (or not JSON): the soak starts a new one.
  }
  report.soak = figures;
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(figures, null, 2)}\nwritten ${out} (key soak)\n`);
}
