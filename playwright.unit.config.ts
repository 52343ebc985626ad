import { defineConfig } from '@playwright/test';

/** The project's own tests (npm test): no target, no browser unless a test starts one itself. */
export default defineConfig({
  timeout: 120_000,
  workers: 2,
  reporter: [['list']],
  outputDir: 'test-results/unit',
  projects: [
    // The start-up timing checks (a bad .env fails within 2 s) run first, on a quiet machine.
    { name: 'timing', testDir: './unit', testMatch: /config\.test\.ts/ },
    { name: 'unit', testDir: './unit', testMatch: /.*\.test\.ts/, testIgnore: /config\.test\.ts/, dependencies: ['timing'] },
    { name: 'standin', testDir: './standin/test', testMatch: /.*\.test\.ts/, testIgnore: /webdav\//, dependencies: ['timing'] },
    { name: 'standin-webdav', testDir: './standin/test/webdav', testMatch: /.*\.test\.ts/, dependencies: ['timing'] },
    { name: 'services', testDir: './helpers/services', testMatch: /.*\.test\.ts/, dependencies: ['timing'] },
  ],
});
