import { defineConfig } from '@playwright/test';

/** The project's own tests (npm test): no target, no browser unless a test starts one itself. */
export default defineConfig({
  timeout: 120_000,
  workers: 2,
  reporter: [['list']],
  outputDir: 'test-results/unit',
  projects: [
    { name: 'unit', testDir: './unit', testMatch: /.*\.test\.ts/ },
    { name: 'standin', testDir: './standin/test', testMatch: /.*\.test\.ts/, testIgnore: /webdav\// },
    { name: 'standin-webdav', testDir: './standin/test/webdav', testMatch: /.*\.test\.ts/ },
    { name: 'services', testDir: './helpers/harness/services', testMatch: /.*\.test\.ts/ },
  ],
});
