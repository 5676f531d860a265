/**
 * lockbench's own run: the built-in suite and plan through the same `defineConfig()` a team's
 * `playwright.config.ts` calls (`import { defineConfig } from 'lockbench/config'`), so both are one program.
 */
import { defineConfig } from './harness/config.ts';

export default defineConfig();
