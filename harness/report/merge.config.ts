/**
 * The config `report:merge` hands to `playwright merge-reports` (DESIGN §13): the project's own reporters
 * (playwright.config.ts), so merged evidence is single-run evidence — JUnit names with their project and check
 * IDs (DESIGN §14), the HTML report, the JSON. The conformance matrix is built by `bin/report-merge.ts` from the
 * shards' records, which carry what Playwright's merged config does not: each run's scope, date and seeding.
 * `LOCKBENCH_MERGE_OUT` is the output directory.
 */
import { fileURLToPath } from 'node:url';

const out = process.env.LOCKBENCH_MERGE_OUT ?? 'reports';

export default {
  testDir: fileURLToPath(new URL('../../specs', import.meta.url)),
  reporter: [
    ['html', { outputFolder: `${out}/html`, open: 'never' }],
    ['junit', { outputFile: `${out}/junit.xml`, includeProjectInTestName: true }],
    // After junit on purpose: it appends check IDs to the names junit just wrote.
    [fileURLToPath(new URL(`./junit-ids${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url)), { junitFile: `${out}/junit.xml` }],
    ['json', { outputFile: `${out}/results.json` }],
  ],
};
