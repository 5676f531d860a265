import { readFile } from 'node:fs/promises';
import { parseFixture, type Fixture } from './fixture.ts';
import { FixtureError } from './world.ts';

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
