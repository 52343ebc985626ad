import { defineConfig } from '@playwright/test';

const PORT = Number(process.env.PANEL_MOCK_PORT || 3411);

export default defineConfig({
  testDir: '.',
  testMatch: /panel\.test\.ts$/,
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  outputDir: '/tmp/panel-test-results',
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    locale: 'en-US',
    viewport: { width: 1440, height: 960 },
    serviceWorkers: 'block',
    acceptDownloads: true,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.PANEL_CHROMIUM || '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
    },
  },
  webServer: [
    {
      command: `node mock-api.mjs ${PORT}`,
      cwd: import.meta.dirname,
      url: `http://127.0.0.1:${PORT}/health`,
      reuseExistingServer: false,
      timeout: 30_000,
    },
    {
      // An empty instance, for the first-run setup flow.
      command: `node mock-api.mjs ${PORT + 1}`,
      cwd: import.meta.dirname,
      env: { MOCK_EMPTY: '1' },
      url: `http://127.0.0.1:${PORT + 1}/health`,
      reuseExistingServer: false,
      timeout: 30_000,
    },
  ],
});
