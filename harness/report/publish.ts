/**
 * Staged reports (DESIGN §14: the reports are the evidence of a run). A conformance run writes its HTML report,
 * JUnit, JSON and matrix into a staging folder; they replace those of `reports/` only once a test began, so a
 * run that never started one (a preflight stop, a bad flag, a bench not ready) leaves `reports/` byte-identical.
 */
import { cpSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** What the runner's reporters write: Playwright's beside the matrix's (playwright.config.ts). */
export const PLAYWRIGHT_OUTPUTS = ['html', 'junit.xml', 'results.json'] as const;
export const MATRIX_OUTPUTS = ['conformance.json', 'conformance.html', 'sequences'] as const;

/** Move `name` from `from` to `to`, replacing what was there (a copy when the two are on different disks). */
function replace(from: string, to: string, name: string): void {
  const src = join(from, name);
  if (!existsSync(src)) return;
  const dst = join(to, name);
  mkdirSync(to, { recursive: true });
  rmSync(dst, { recursive: true, force: true });
  try {
    renameSync(src, dst);
  } catch {
    cpSync(src, dst, { recursive: true });
    rmSync(src, { recursive: true, force: true });
  }
}

/**
 * Install a staged run: Playwright's outputs into `reportsDir`, the matrix (and its sequence diagrams, which the
 * reporter already pruned to those it links) into `matrixDir`. The matrix is only replaced when the run wrote one.
 */
export function publishStaged(staging: string, reportsDir: string, matrixDir: string): void {
  for (const name of PLAYWRIGHT_OUTPUTS) replace(staging, reportsDir, name);
  if (!existsSync(join(staging, 'conformance.json'))) return;
  // The staged sequences/ is the whole set the new matrix links; a run that linked none leaves no folder.
  if (!existsSync(join(staging, 'sequences'))) rmSync(join(matrixDir, 'sequences'), { recursive: true, force: true });
  for (const name of MATRIX_OUTPUTS) replace(staging, matrixDir, name);
}
