/**
 * Debian's litmus (WebDAV conformance) against the stand-in's /webdav over its real storage.
 * Upstream AsterDrive passes everything but basic/delete_fragment; the stand-in must do at least as well.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { expect, test } from '@playwright/test';
import { bootstrap, scratchDir, type Standin, startStandin } from './support.js';

const LITMUS = '/usr/bin/litmus';
let s: Standin;

test.beforeAll(async () => {
  test.skip(!existsSync(LITMUS), 'litmus is not installed (apt-get install litmus; .ci/run installs it)');
  s = await startStandin();
});
test.afterAll(async () => s?.kill());

// upstream src/webdav/handlers/
test('[webdav] litmus basic, copymove, props, locks and http pass (at least upstream: all but delete_fragment)', async () => {
  test.setTimeout(300_000);
  const admin = await bootstrap(s.baseURL);
  const res = await admin.ctx.post('/api/v1/webdav-accounts', {
    data: { username: 'litmus', password: 'litmus-pass-123', root_folder_id: null },
    headers: { 'X-CSRF-Token': admin.csrf },
  });
  expect(res.status()).toBe(201);
  const cwd = scratchDir('litmus-');
  const run = await promisify(execFile)(LITMUS, ['-k', `${s.baseURL}/webdav/`, 'litmus', 'litmus-pass-123'], { cwd, timeout: 240_000 }).then(
    (r) => r.stdout,
    (e: { stdout?: string }) => e.stdout ?? '',
  );
  const summaries = [...run.matchAll(/summary for `(\w+)': of (\d+) tests run: (\d+) passed, (\d+) failed/g)].map((m) => ({
    suite: m[1],
    run: Number(m[2]),
    passed: Number(m[3]),
    failed: Number(m[4]),
  }));
  await test.info().attach('litmus summary', { body: JSON.stringify(summaries, null, 2), contentType: 'application/json' });
  expect(summaries.map((x) => x.suite)).toEqual(['basic', 'copymove', 'props', 'locks', 'http']);
  const failures = [...run.matchAll(/^\s*\d+\.\s+(\w+)\.+\s*FAIL/gm)].map((m) => m[1]);
  expect(
    failures.filter((f) => f !== 'delete_fragment'),
    `litmus failures:\n${run}`,
  ).toEqual([]);
});
