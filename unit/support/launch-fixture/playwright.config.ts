/**
 * A tiny stand-in for the launch suite, for unit/verdict-exit.test.ts: one test per automated
 * checklist item (10.5 also has a browser-project test), reported by the real launch reporter, so
 * the exit status and the partial/self-test rules are seen end to end without a target.
 */
import { defineConfig } from '@playwright/test';

const out = process.env.FIXTURE_OUT ?? 'test-results/launch-fixture';

export default defineConfig({
  testDir: '.',
  outputDir: `${out}/results`,
  workers: 1,
  reporter: [['../../../reporter/launch-reporter.ts']],
  projects: [
    { name: 'api', testMatch: /api\.fixture\.ts/ },
    { name: 'browser', testMatch: /ui\.fixture\.ts/ },
  ],
});
