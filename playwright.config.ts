import { defineConfig, devices } from '@playwright/test';
import { isTestWorker, localTools, missingToolsMessage } from './helpers/catalogue/capabilities.js';
import { ConfigError, loadConfig } from './helpers/harness/config.js';
import { secretsDir } from './helpers/harness/secrets.js';
import { filteredRun } from './helpers/harness/run-scope.js';
import { blobReporters, disruptiveOnly, NO_TEST, runsDisruptive } from './helpers/harness/shard.js';
import { GATE_IN_SETUP_ENV } from './helpers/harness/target/run-state.js';

function config() {
  try {
    return loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`\n${e.message}\n\nFix .env (see .env.example) and run again.\n`);
      process.exit(2);
    }
    throw e;
  }
}

// The pinned AWS SDK runs on Node 20; its notice about future releases needing Node 22 is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const cfg = config();

// The project the checks wait for: the gate, or in a filtered run the set-up, which then opens the
// gate itself (tests/setup/provision.setup.ts); workers inherit the variable from the runner.
const GATE = filteredRun() ? 'setup' : 'checks';
if (GATE === 'setup') process.env[GATE_IN_SETUP_ENV] = '1';
// Created once in the runner; workers inherit the path and register the secrets they create.
secretsDir();
// What the suite itself needs on this machine: a browser, and a managed target's Mailpit and S3
// server. One missing stops the run in the runner, before any test, with exit 2 and the command
// that fixes it, unless the run goes without it (`--project api`, ASTER_WITHOUT); `--list` needs none.
const tools = localTools(cfg);
const browser = tools.find((t) => t.tool === 'browser');
if (!isTestWorker() && !process.argv.includes('--list')) {
  const stop = missingToolsMessage(tools);
  if (stop) {
    console.error(`\n${stop}\n`);
    process.exit(2);
  }
}
// Without a browser (ASTER_WITHOUT=browser) the browser checks are NOT_CHECKED (fixtures/index.ts).
if (browser?.state === 'without') process.env.ASTER_CHROMIUM_PROBLEM = browser.detail;

export default defineConfig({
  testDir: './tests',
  outputDir: './test-results',
  globalSetup: './helpers/harness/global-setup.ts',
  fullyParallel: true,
  workers: process.env.CI ? 2 : undefined,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 15_000 },
  reporter: [
    ['list'],
    ['html', { open: 'never', outputFolder: process.env.PLAYWRIGHT_HTML_OUTPUT_DIR ?? 'playwright-report' }],
    ['junit', { outputFile: `${process.env.ASTER_REPORTS_DIR ?? 'reports'}/junit.xml` }],
    ['./reporter/launch-reporter.ts'],
    ...(process.env.ASTER_JSON_REPORT ? [['json', { outputFile: process.env.ASTER_JSON_REPORT }] as ['json', { outputFile: string }]] : []),
    // Sharded (--shard=i/n) or ASTER_BLOB_REPORT=1: a blob that `merge-reports --config merge.config.ts` replays (helpers/harness/shard.ts).
    ...blobReporters(),
  ],
  use: {
    trace: cfg.env.ASTER_TRACE === 'on' ? 'on' : 'retain-on-failure',
    screenshot: 'only-on-failure',
    serviceWorkers: 'block',
    locale: 'en-US',
    acceptDownloads: true,
  },
  projects: [
    // One worker: its few quick steps are not worth starting a second worker process for.
    // A fault-matrix run (ASTER_FAULT) is judged on its items alone, on a target thrown away after
    // it: the teardown's checks of the suite's own tidiness run in every launch run, not in each
    // matrix run (the teardown project then selects nothing, as its tests prove no item).
    { name: 'setup', testMatch: /.*\.setup\.ts/, ...(process.env.ASTER_FAULT ? {} : { teardown: 'teardown' }), workers: 1 },
    { name: 'teardown', testMatch: /.*\.teardown\.ts/ },
    // Checks that disturb the target for everybody (restart it, exhaust the client's rate-limit
    // buckets) run one at a time, after every other check, also when an earlier check failed:
    // they are the teardown of the `checks` gate, which Playwright runs whatever its dependents did.
    // A filtered run keeps them a plain project after the gate, because a teardown project always
    // runs in full and would drag every disruptive check into a one-item run.
    // A filtered run has no gate project (one worker start less): set-up opens the gate itself.
    ...(filteredRun() ? [] : [{ name: 'checks', testMatch: /.*\.gate\.ts/, dependencies: ['setup'], ...(runsDisruptive() ? { teardown: 'disruptive' } : {}) }]),
    // ASTER_SHARD_DISRUPTIVE=only (the job after the shards): no api or browser check, so only the gate and its disruptive teardown run.
    { name: 'api', testMatch: /.*\.api\.spec\.ts/, grepInvert: /@disruptive/, dependencies: [GATE], ...(disruptiveOnly() ? { grep: NO_TEST } : {}) },
    {
      name: 'disruptive',
      testMatch: /.*\.api\.spec\.ts/,
      // In a sharded run only one shard runs them (helpers/harness/shard.ts); a filtered run keeps them everywhere.
      grep: filteredRun() || runsDisruptive() ? /@disruptive/ : NO_TEST,
      // The gate runs in full as a dependency (one quick test); it writes the marker these checks need.
      ...(filteredRun() ? { dependencies: [GATE] } : {}),
      workers: 1,
    },
    {
      name: 'browser',
      testMatch: /.*\.ui\.spec\.ts/,
      dependencies: [GATE],
      ...(disruptiveOnly() ? { grep: NO_TEST } : {}),
      use: {
        ...devices['Desktop Chrome'],
        viewport: { width: 1440, height: 960 },
        launchOptions: {
          executablePath: browser?.executablePath,
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-background-networking',
            '--disable-component-update',
            '--no-first-run',
            '--disable-sync',
            // Chromium ignores Node's CA settings: it accepts exactly the keys global setup lists
            // (helpers/harness/trust.ts): the managed entry's certificate and its run CA, or a
            // deployment's certificate verified against ASTER_CA_FILE at preflight. Nothing else.
            ...(process.env.ASTER_RUN_ENTRY_SPKI ? [`--ignore-certificate-errors-spki-list=${process.env.ASTER_RUN_ENTRY_SPKI}`] : []),
          ],
        },
      },
    },
  ],
});
