// Runs the real-service helper checks (Mailpit + versitygw; no browser):
//   npx playwright test --config helpers/harness/services/playwright.config.ts
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: '.',
  testMatch: 'services.test.ts',
  outputDir: '../../test-results/services',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
});
