/**
 * What the suite itself lacks is never the target's failure: a run without its browser or a
 * managed target's Mailpit / S3 server stops before any test and before starting a target, with exit code 2 and
 * the command that fixes it; a run that goes without them (`--project api`, ASTER_WITHOUT) does not.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { localTools, missingToolsMessage } from '../helpers/catalogue/capabilities.js';
import { browserProjectSelected } from '../helpers/harness/chromium.js';
import { parseConfig } from '../helpers/harness/config.js';

/** A tools directory with nothing in it, in the test's own output (Playwright clears it on the next run). */
function emptyToolsDir(): string {
  const dir = test.info().outputPath('empty-tools');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** `npx playwright test` as a user types it, on a managed target (no .env). */
function launchRun(env: Record<string, string>, args: string[] = []) {
  const r = spawnSync('npx', ['playwright', 'test', ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env: {
      ...process.env,
      ASTER_ENV_FILE: '/nonexistent',
      ASTER_BASE_URL: '',
      // An outer run's JSON report must not receive this run's output.
      ASTER_JSON_REPORT: '',
      PLAYWRIGHT_JSON_OUTPUT_NAME: '',
      ...env,
    },
  });
  return r;
}

test('a run without a browser stops before anything starts, with exit 2, naming what is missing and the command that fixes it', () => {
  const r = launchRun({ PLAYWRIGHT_CHROMIUM_EXECUTABLE: '/nonexistent' });
  expect(r.status, `stdout: ${r.stdout}\nstderr: ${r.stderr}`).toBe(2);
  expect(r.stdout, 'it stops before a target is started').not.toContain('Launch acceptance run');
  expect(r.stderr).toContain('The suite cannot run');
  expect(r.stderr).toContain('browser: PLAYWRIGHT_CHROMIUM_EXECUTABLE=/nonexistent does not exist');
  expect(r.stderr).toContain('Fix: npm run setup');
  expect(r.stderr).toContain('npx playwright test --project api');
  expect(r.stderr).not.toContain('    at '); // a message, not a stack trace
  expect(r.stdout).not.toMatch(/Running \d+ test/); // stopped before any test
});

test('a managed run without Mailpit and the S3 server stops before anything starts, with exit 2, naming both and the fix', () => {
  const emptyTools = emptyToolsDir();
  const r = launchRun({
    ASTER_TOOLS_DIR: emptyTools,
    MAILPIT_BIN: '',
    S3_SERVER_BIN: '',
    PATH: path.dirname(process.execPath) + path.delimiter + '/usr/bin:/bin',
  });
  expect(r.status, `stdout: ${r.stdout}\nstderr: ${r.stderr}`).toBe(2);
  expect(r.stdout, 'it stops before a target is started').not.toContain('Launch acceptance run');
  expect(r.stderr).toContain(`Mailpit: not installed (looked at $MAILPIT_BIN, ${emptyTools}/bin/mailpit and PATH)`);
  expect(r.stderr).toContain('S3 server: not installed');
  expect(r.stderr).toContain('Fix: npm run setup');
  expect(r.stderr).toContain('ASTER_WITHOUT=mailpit,s3 npx playwright test');
  expect(r.stdout).not.toMatch(/Running \d+ test/);
});

test('--list needs no browser', () => {
  const r = launchRun({ PLAYWRIGHT_CHROMIUM_EXECUTABLE: '/nonexistent', ASTER_TOOLS_DIR: emptyToolsDir() }, ['--list', '--grep', '@item-10\\.5\\b']);
  expect(r.status, r.stderr).toBe(0);
});

test('which projects need the browser', () => {
  expect(browserProjectSelected([])).toBe(true);
  expect(browserProjectSelected(['test', '--grep', '@s03-login'])).toBe(true);
  expect(browserProjectSelected(['test', '--project', 'api'])).toBe(false);
  expect(browserProjectSelected(['test', '--project=api', '--project=disruptive'])).toBe(false);
  expect(browserProjectSelected(['test', '--project', 'api', '--project', 'browser'])).toBe(true);
  expect(browserProjectSelected(['test', '--project', 'Brow*'])).toBe(true);
  expect(browserProjectSelected(['test', '--project', 'api', 'browser', '--grep', '@s10'])).toBe(true);
});

test('going without a tool is a choice, not a stop: --project api or ASTER_WITHOUT', () => {
  const noBrowser = parseConfig({ PLAYWRIGHT_CHROMIUM_EXECUTABLE: '/nonexistent', MAILPIT_URL: 'http://127.0.0.1:8025', S3_ENDPOINT: '' });
  const state = (tools: ReturnType<typeof localTools>, tool: string) => tools.find((t) => t.tool === tool)?.state;

  const stopped = localTools(noBrowser, []);
  expect(state(stopped, 'browser')).toBe('missing');
  expect(missingToolsMessage(stopped)).toContain('browser:');

  const apiOnly = localTools(noBrowser, ['--project', 'api']);
  expect(state(apiOnly, 'browser')).toBe('not-needed');
  expect(state(apiOnly, 'mailpit')).toBe('not-needed'); // MAILPIT_URL given

  const without = localTools(parseConfig({ PLAYWRIGHT_CHROMIUM_EXECUTABLE: '/nonexistent', ASTER_WITHOUT: 'browser,mailpit,s3' }), []);
  expect(without.map((t) => t.state)).toEqual(['without', 'without', 'without']);
  expect(missingToolsMessage(without)).toBeUndefined();
  expect(without[0].detail).toContain('ASTER_WITHOUT=browser');

  // A deployment brings its own mail and bucket: only the browser is the suite's.
  const deployment = localTools(parseConfig({ ASTER_BASE_URL: 'https://drive.example.com', ASTER_ADMIN_USER: 'a', ASTER_ADMIN_PASSWORD: 'b' }), [
    '--project',
    'api',
  ]);
  expect(deployment.map((t) => t.state)).toEqual(['not-needed', 'not-needed', 'not-needed']);
});

test('ASTER_WITHOUT accepts only the tools a run can go without', () => {
  expect(parseConfig({ ASTER_WITHOUT: 'Mailpit, s3' }).env.ASTER_WITHOUT).toEqual(['mailpit', 's3']);
  expect(() => parseConfig({ ASTER_WITHOUT: 'nginx' })).toThrow(/ASTER_WITHOUT="nginx" must be a comma-separated list of browser, mailpit, s3/);
});
