// TEMPORARY dev harness (entry-proxy work). Deleted before hand-off.
import base from '../playwright.config.js';
import { defineConfig } from '@playwright/test';
const spki = process.env.ASTER_ENTRY_SPKI_ARG ?? '';
export default defineConfig({
  ...base,
  testDir: '../tests',
  outputDir: '../test-results/entry-dev',
  globalSetup: './global-setup.ts',
  reporter: [['list']],
  projects: (base.projects ?? []).map((p) =>
    p.name === 'browser'
      ? { ...p, use: { ...p.use, ignoreHTTPSErrors: true } }
      : p,
  ),
});
void spki;
