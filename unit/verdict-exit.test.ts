/**
 * End to end through Playwright itself: the launch reporter sets the process exit status from the
 * verdict (0 GO, 1 NO_GO, 3 INCOMPLETE), a failed test never yields 0, a filtered run is PARTIAL
 * (it lists the whole suite to know every test of an item), a stand-in run is a self-test.
 * Drives the tiny suite in unit/support/launch-fixture/ (one test per item, no target).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { allItems } from '../helpers/catalogue/checklist.js';
import type { LaunchReport } from '../reporter/model.js';
import { signoff } from './support/verdict-input.js';
import { scratchDir } from './support/scratch.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const CONFIG = 'unit/support/launch-fixture/playwright.config.ts';

test.describe.configure({ mode: 'parallel' });

function run(
  args: string[],
  env: Record<string, string> = {},
  signoffs = allItems()
    .filter((i) => i.kind === 'manual')
    .map((i) => signoff(i.id)),
) {
  const dir = scratchDir('launch-fixture-');
  writeFileSync(path.join(dir, 'signoffs.json'), JSON.stringify({ signoffs: signoffs.map((s) => ({ ...s, signedOn: '2026-01-01', expires: '2999-12-31' })) }));
  // The outer test runner's own variables must not leak into the inner run.
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(TEST_|PW_|PLAYWRIGHT_|ASTER_|FIXTURE_)/.test(k)));
  const r = spawnSync(process.execPath, ['node_modules/@playwright/test/cli.js', 'test', '--config', CONFIG, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 240_000,
    env: {
      ...base,
      FORCE_COLOR: '1',
      FIXTURE_OUT: path.join(dir, 'out'),
      ASTER_REPORTS_DIR: path.join(dir, 'reports'),
      PLAYWRIGHT_HTML_OUTPUT_DIR: path.join(dir, 'html'),
      ASTER_SIGNOFFS_FILE: path.join(dir, 'signoffs.json'),
      ASTER_WAIVERS_FILE: path.join(dir, 'waivers.json'),
      ASTER_RUN_TARGET_KIND: 'deployment',
      ASTER_RUN_BASE_URL: 'https://drive.example.com',
      ...env,
    },
  });
  const file = path.join(dir, 'reports', 'launch-report.json');
  const report = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as LaunchReport) : undefined;
  return { status: r.status, out: `${r.stdout}\n${r.stderr}`, report, dir };
}

const item = (r: LaunchReport | undefined, id: string) => r?.sections.flatMap((s) => s.items).find((i) => i.id === id);

test('everything checked and passing, manual items signed off, on a deployment: GO, exit 0', () => {
  const r = run([]);
  expect(r.report?.verdictReasons, r.out).toEqual([]);
  expect(r.report).toMatchObject({ verdict: 'GO', partial: false, selfTest: false });
  expect(r.status, r.out).toBe(0);
  expect(r.out).toContain('Launch verdict: GO');
  expect(existsSync(path.join(r.dir, 'reports', 'launch-report.html'))).toBe(true);
});

test('a failed test: NO_GO, exit 1, the error without colour codes', () => {
  const r = run([], { FIXTURE_FAIL: '4.2' });
  expect(r.report?.verdict, r.out).toBe('NO_GO');
  expect(r.status, r.out).toBe(1);
  expect(item(r.report, '4.2')?.tests[0].error).toBe('Error: the fixture was told to fail');
  expect(readFileSync(path.join(r.dir, 'reports', 'launch-report.md'), 'utf8')).not.toContain('\u001b');
});

test('a NOT_CHECKED item: INCOMPLETE, exit 3, naming the variable', () => {
  const r = run([], { FIXTURE_NOT_CHECKED: '10.3' });
  expect(r.report?.verdict, r.out).toBe('INCOMPLETE');
  expect(r.report?.missing).toEqual([expect.objectContaining({ item: '10.3', completeWith: 'set ASTER_FIXTURE_URL' })]);
  expect(r.status, r.out).toBe(3);
});

test('a qualified pass keeps its note through the real reporter', () => {
  const r = run(['--grep', '@item-2\\.11\\b'], { FIXTURE_QUALIFIED: '2.11' });
  expect(item(r.report, '2.11')).toMatchObject({ status: 'PASS', qualified: true, notes: [{ type: 'qualified', text: 'checked one domain of several' }] });
});

test('an unsigned MANUAL item: INCOMPLETE, exit 3; a sign-off for an unknown item: NO_GO, exit 1', () => {
  const unsigned = run([], {}, []);
  expect(unsigned.report?.verdict, unsigned.out).toBe('INCOMPLETE');
  expect(unsigned.status).toBe(3);
  const unknown = run([], {}, [
    ...allItems()
      .filter((i) => i.kind === 'manual')
      .map((i) => signoff(i.id)),
    signoff('99.9'),
  ]);
  expect(unknown.report?.verdict, unknown.out).toBe('NO_GO');
  expect(unknown.status).toBe(1);
});

test('--grep one item: PARTIAL, the selected item only, never GO, exit 3', () => {
  const r = run(['--grep', '@item-10\\.1\\b']);
  expect(r.report).toMatchObject({ partial: true, verdict: 'INCOMPLETE', scope: { selectedItems: ['10.1'], selectionComplete: true } });
  expect(r.status, r.out).toBe(3);
  expect(r.out).toContain('Launch verdict: INCOMPLETE (PARTIAL)');
});

test('--project api: the item whose browser test did not run is NOT_CHECKED, not PASS; PARTIAL, exit 3', () => {
  const r = run(['--project', 'api']);
  expect(r.report?.partial, r.out).toBe(true);
  expect(item(r.report, '10.5')).toMatchObject({ status: 'NOT_CHECKED', reason: expect.stringContaining('large upload in the panel [browser]') });
  expect(item(r.report, '10.4')?.status).toBe('PASS');
  expect(r.status, r.out).toBe(3);
});

test('a run against the stand-in (as the run state says) is a self-test: SELF_TEST_PASSED, never GO, exit 3', () => {
  const state = path.join(scratchDir('run-state-'), 'run-state.json');
  writeFileSync(state, JSON.stringify({ runId: 'r1', baseURL: 'https://localhost:4430', mode: 'managed', targetKind: 'standin' }));
  const r = run([], { ASTER_RUN_STATE: state, ASTER_RUN_TARGET_KIND: '' });
  expect(r.report).toMatchObject({ selfTest: true, selfTestPassed: true, verdict: 'INCOMPLETE' });
  expect(r.status, r.out).toBe(3);
  expect(r.out).toContain('Launch verdict: INCOMPLETE (SELF_TEST_PASSED)');
});

test('--list writes no launch report and exits 0', () => {
  const r = run(['--list']);
  expect(r.status, r.out).toBe(0);
  expect(r.report).toBeUndefined();
});
