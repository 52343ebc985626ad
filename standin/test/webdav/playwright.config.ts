import { defineConfig } from '@playwright/test';

// WebDAV front end over the in-memory Vfs; no browser. One worker: tests share one server.
export default defineConfig({
  testDir: '.',
  testMatch: '*.test.ts',
  fullyParallel: false,
  workers: 1,
  timeout: 30_000,
  reporter: [['list']],
  outputDir: '/tmp/standin-webdav-test-results',
});
