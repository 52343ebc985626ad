/**
 * Merges the blob reports of a sharded run into one set of reports, as one unsharded run would
 * write them: Playwright's HTML report, reports/junit.xml and the launch report
 * (reports/launch-report.{json,md,html}) with the same verdict and exit status.
 *
 *   npx playwright merge-reports --config merge.config.ts all-blob-reports/
 *
 * The launch reporter lists the whole suite from playwright.config.ts, so a merge that lacks a
 * shard is PARTIAL (never GO). testDir is the suite's, so the merged tests' paths are this checkout's.
 */
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: './tests',
  reporter: [
    ['list'],
    ['html', { open: 'never', outputFolder: process.env.PLAYWRIGHT_HTML_OUTPUT_DIR ?? 'playwright-report' }],
    ['junit', { outputFile: `${process.env.ASTER_REPORTS_DIR ?? 'reports'}/junit.xml` }],
    ['./reporter/launch-reporter.ts', { suiteConfig: 'playwright.config.ts' }],
  ],
});
