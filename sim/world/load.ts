import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseFixture, type Fixture } from './fixture.ts';
import { FixtureError } from './fixture-schema.ts';

/**
 * The package's own fleet (DESIGN §7), the default of every command and the sim target: resolved against the
 * package (the repository, or dist/ of the built one, which carries fixtures/), not the caller's directory.
 */
export const DEFAULT_FIXTURE_PATH = fileURLToPath(new URL('../../fixtures/fleet.json', import.meta.url));

/** Read and validate a fixture file; throws FixtureError with JSON paths for every problem. */
export async function loadFixture(path: string): Promise<Fixture> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new FixtureError([{ path: '$', message: `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}` }]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new FixtureError([{ path: '$', message: `${path} is not valid JSON: ${(e as Error).message}` }]);
  }
  const r = parseFixture(raw);
  if (!r.ok) throw new FixtureError(r.problems);
  return r.fixture;
}
