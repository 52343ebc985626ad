/** Which runs select the whole suite (the launch reporter then lists no second time) and which are narrowed. */
import { expect, test } from '@playwright/test';
import { filteredRun, wholeSuiteRun } from '../helpers/harness/run-scope.js';

const cli = (...args: string[]) => ['node', '/x/node_modules/.bin/playwright', 'test', ...args];

test('options that only shape the run leave it whole', () => {
  for (const args of [
    [],
    ['--workers', '2'],
    ['-j', '1', '--reporter', 'dot'],
    ['--config', 'playwright.config.ts', '-x'],
    ['--output', '/tmp/out', '--trace=on'],
  ]) {
    expect(filteredRun(cli(...args), {}), args.join(' ')).toBe(false);
    expect(wholeSuiteRun(cli(...args), {}), args.join(' ')).toBe(true);
  }
});

test('a filter, a file or line argument, a fault-matrix run or a shard narrow it', () => {
  for (const args of [
    ['--grep', '@s03-login'],
    ['-g=@readonly'],
    ['--project', 'api'],
    ['--last-failed'],
    ['persistence'],
    ['tests/s01-data/persistence.api.spec.ts:45'],
    ['--workers', '1', 'tests/s01-data'],
  ]) {
    expect(filteredRun(cli(...args), {}), args.join(' ')).toBe(true);
    expect(wholeSuiteRun(cli(...args), {}), args.join(' ')).toBe(false);
  }
  expect(filteredRun(cli(), { ASTER_FAULT: 'no-hsts' })).toBe(true);
  expect(filteredRun(cli('--shard=1/2'), {})).toBe(false);
  expect(wholeSuiteRun(cli('--shard', '1/2'), {})).toBe(false);
});

test('a worker process (no command line of its own) is not filtered', () => {
  expect(filteredRun(['node', '/x/playwright/lib/worker/workerProcessEntry.js'], {})).toBe(false);
});
