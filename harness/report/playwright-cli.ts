import { createRequire } from 'node:module';

/**
 * The Playwright test CLI, resolved through the package's exports (no hard-coded node_modules path). It
 * lives in the report room because the report's own checks run Playwright too, and a room never imports
 * an entry point of `bin/` (DESIGN §1).
 */
export function playwrightCli(): string {
  return createRequire(import.meta.url).resolve('@playwright/test/cli');
}
