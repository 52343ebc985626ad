import { spawnSync } from 'node:child_process';
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import dotenv from 'dotenv';
import { ConfigError, parseConfig, VARIABLES } from '../helpers/harness/config.js';

const BAD = [
  { env: { ASTER_BASE_URL: 'ftp://x' }, name: 'ASTER_BASE_URL', says: 'http:// or https://' },
  { env: { ASTER_METRICS_URL: 'not a url' }, name: 'ASTER_METRICS_URL', says: 'http:// or https://' },
  { env: { ASTER_READONLY: 'maybe' }, name: 'ASTER_READONLY', says: 'must be 1 or 0' },
  { env: { ASTER_LARGE_FILE_MB: '-3' }, name: 'ASTER_LARGE_FILE_MB', says: 'whole number' },
];

for (const bad of BAD) {
  // Loading the config is the first thing the run does: a bad value stops it before any target,
  // service or browser starts (how fast that is, is the bench's business, not a timed test's).
  test(`${bad.name}=${Object.values(bad.env)[0]} stops the run while loading the config, naming the variable and a good example`, () => {
    const r = spawnSync(process.execPath, ['node_modules/@playwright/test/cli.js', 'test', '--list'], {
      encoding: 'utf8',
      env: { ...process.env, ASTER_ENV_FILE: '/nonexistent', ...bad.env },
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(bad.name);
    expect(r.stderr).toContain(bad.says);
    expect(r.stderr).toContain(`Example: ${bad.name}=`);
    expect(r.stderr).not.toContain('    at '); // a message, not a stack trace
    expect(r.stdout, 'nothing was listed: the run stopped at the config').not.toMatch(/Total: \d+ tests?/);
  });
}

test('several bad values are all reported at once', () => {
  try {
    parseConfig({ ASTER_BASE_URL: 'ftp://x', ASTER_READONLY: 'maybe' });
    throw new Error('no error');
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as ConfigError).problems).toHaveLength(2);
  }
});

test('a secret is never echoed in an error message', () => {
  expect(() => parseConfig({ S3_SECRET_ACCESS_KEY: '', S3_ENDPOINT: 'http://s3', S3_BUCKET: 'b' })).toThrow(/S3 access is incomplete/);
  try {
    parseConfig({ ASTER_BASE_URL: 'https://drive.example.com', ASTER_ADMIN_USER: 'admin', ASTER_ADMIN_PASSWORD: 'hunter2-secret', ASTER_DRIVE_BIN: '/x' });
  } catch (e) {
    expect((e as Error).message).not.toContain('hunter2-secret');
  }
});

test('an unknown ASTER_ variable is warned about with the nearest known name', () => {
  const cfg = parseConfig({ ASTER_METRIC_URL: 'http://x/health/metrics' });
  expect(cfg.warnings).toEqual(['Unknown variable ASTER_METRIC_URL is ignored. Did you mean ASTER_METRICS_URL?']);
});

test('no ASTER_BASE_URL means a managed stand-in target; ASTER_DRIVE_BIN a managed real binary', () => {
  expect(parseConfig({}).targetKind).toBe('standin');
  expect(parseConfig({ ASTER_DRIVE_BIN: process.execPath }).targetKind).toBe('asterdrive-binary');
  const existing = parseConfig({ ASTER_BASE_URL: 'https://drive.example.com', ASTER_ADMIN_USER: 'a', ASTER_ADMIN_PASSWORD: 'b', ASTER_READONLY: '1' });
  expect(existing).toMatchObject({ mode: 'existing', readonly: true, secrets: ['b'] });
});

test('.env.example documents exactly the variables the suite reads, and validates as-is', () => {
  const text = readFileSync('.env.example', 'utf8');
  const documented = [...text.matchAll(/^([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]).sort();
  expect(documented).toEqual(Object.keys(VARIABLES).sort());
  expect(() => parseConfig(dotenv.parse(text))).not.toThrow();
});
