/**
 * No secret of a run survives in its artifacts: the configured passwords, and the session tokens,
 * WebDAV and share passwords the run creates, are absent from the HTML report, traces (kept for
 * every test here), test results, JUnit and the launch report — looked for inside trace zips and
 * inside the zip the HTML report embeds.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { findSecrets } from '../reporter/scrub.js';
import { run } from './support/run.js';

test('a managed run with traces on leaves none of its secrets in any artifact', async () => {
  test.setTimeout(400_000);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'secrets-scan-'));
  const secretsDir = path.join(dir, 'secrets');
  const configured = { admin: `Adm-${Date.now()}-kT9qLw2vXe`, user: `Usr-${Date.now()}-Pz4mRy8bNc` };
  try {
    const r = await run(
      'npx',
      // Sign-in in the browser, a password share, WebDAV: the places where secrets travel.
      ['playwright', 'test', '--grep', '@item-10\\.(4|7|9)\\b', '--output', path.join(dir, 'results')],
      {
        env: {
          ...process.env,
          ASTER_ENV_FILE: '/nonexistent',
          ASTER_TRACE: 'on',
          ASTER_ADMIN_PASSWORD: configured.admin,
          ASTER_USER: 'ltscan',
          ASTER_USER_PASSWORD: configured.user,
          ASTER_SECRETS_DIR: secretsDir,
          ASTER_SECRETS_DIR_KEEP: '1',
          ASTER_REPORTS_DIR: path.join(dir, 'reports'),
          PLAYWRIGHT_HTML_OUTPUT_DIR: path.join(dir, 'html'),
          ASTER_JSON_REPORT: '',
          PLAYWRIGHT_JSON_OUTPUT_NAME: '',
        },
        timeout: 380_000,
      },
    );
    // A filtered run of the stand-in is INCOMPLETE (exit 3) by design; anything else is a failure.
    expect(r.status, r.stdout + r.stderr).toBe(3);
    expect(r.stdout).toContain('3/3 selected items checked (3 pass');
    const registered = readdirSync(secretsDir)
      .filter((f) => f.endsWith('.txt'))
      .flatMap((f) =>
        readFileSync(path.join(secretsDir, f), 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as string),
      );
    const secrets = [...new Set([configured.admin, configured.user, ...registered])];
    // The run did create secrets of its own (tokens, WebDAV and share passwords), not only the configured two.
    expect(secrets.length).toBeGreaterThan(4);
    const traces = readdirSync(path.join(dir, 'results'), { recursive: true }).filter((f) => String(f).endsWith('trace.zip'));
    expect(traces.length, 'traces were kept for the scan').toBeGreaterThan(0);
    const hits = await findSecrets([path.join(dir, 'results'), path.join(dir, 'html'), path.join(dir, 'reports')], secrets);
    expect(hits).toEqual([]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
