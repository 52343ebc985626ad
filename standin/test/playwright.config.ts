import { defineConfig } from '@playwright/test';

// The stand-in core's own tests (API only, no browser). The WebDAV adapter has its own config in webdav/.
export default defineConfig({
  testDir: '.',
  testMatch: '*.test.ts',
  testIgnore: ['webdav/**'],
  workers: 2,
  timeout: 60_000,
  reporter: [['list']],
  outputDir: '/tmp/standin-core-test-results',
});
