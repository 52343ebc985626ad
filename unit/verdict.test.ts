/**
 * The verdict rules: three verdicts (GO only when everything is checked, NO_GO on a failure,
 * INCOMPLETE otherwise with what is missing), item statuses, waivers, exit codes.
 */
import { expect, test } from '@playwright/test';
import { buildReport, EXIT_CODES, exitCodeFor } from '../reporter/verdict.js';
import { everythingPasses, goWith, input, item, rec, waiver } from './support/verdict-input.js';

const metricsSkip = { type: 'not_checked', description: 'no metrics URL (set ASTER_METRICS_URL to check it)' };

test('every catalogue item appears once, in checklist order', () => {
  const r = buildReport(input([rec(['10.1'], 'passed')]));
  const ids = r.sections.flatMap((s) => s.items.map((i) => i.id));
  expect(ids.length).toBe(87);
  expect(new Set(ids).size).toBe(87);
  expect(ids.slice(0, 3)).toEqual(['1.1', '1.2', '1.3']);
  expect(ids.at(-1)).toBe('12.2');
});

test('GO when every item is PASS, WAIVED, N_A or signed-off MANUAL', () => {
  const r = goWith();
  expect(r.verdictReasons).toEqual([]);
  expect(r.verdict).toBe('GO');
  expect(r.missing).toEqual([]);
  expect(r).toMatchObject({ partial: false, selfTest: false });
});

test('an item passes only when every test naming it passed', () => {
  const r = buildReport(input([rec(['10.5'], 'passed'), rec(['10.5'], 'failed')]));
  expect(item(r, '10.5').status).toBe('FAIL');
  expect(item(r, '10.5').rerun).toBe('npx playwright test --grep "@item-10\\.5\\b"');
  expect(r.verdict).toBe('NO_GO');
});

test('NO_GO on any FAIL, even when other items are merely missing', () => {
  const r = goWith((i) => ({ ...i, tests: i.tests.map((t) => (t.items[0] === '4.2' ? { ...t, status: 'failed', error: 'Error: boom' } : t)) }));
  expect(r.verdict).toBe('NO_GO');
  expect(r.verdictReasons).toContain('1 item(s) failed');
});

test('a NOT_CHECKED item blocks GO: INCOMPLETE, naming the item and the variable that would check it', () => {
  const r = goWith((i) => ({ ...i, tests: i.tests.map((t) => (t.items[0] === '10.3' ? { ...t, status: 'skipped', annotations: [metricsSkip] } : t)) }));
  expect(item(r, '10.3')).toMatchObject({ status: 'NOT_CHECKED', reason: expect.stringContaining('ASTER_METRICS_URL') });
  expect(r.verdict).toBe('INCOMPLETE');
  expect(r.missing).toEqual([expect.objectContaining({ item: '10.3', status: 'NOT_CHECKED', completeWith: 'set ASTER_METRICS_URL' })]);
});

test('an unconfirmed MANUAL item blocks GO: INCOMPLETE, naming the sign-off that would complete it', () => {
  const r = goWith((i) => ({ ...i, signoffs: i.signoffs.filter((s) => s.item !== '8.1') }));
  expect(item(r, '8.1')).toMatchObject({ status: 'MANUAL' });
  expect(item(r, '8.1').signoff).toBeUndefined();
  expect(r.verdict).toBe('INCOMPLETE');
  expect(r.missing).toEqual([expect.objectContaining({ item: '8.1', status: 'MANUAL', completeWith: expect.stringContaining('signoffs.json') })]);
});

test('a skipped test never makes a pass', () => {
  const r = buildReport(input([rec(['10.1'], 'passed'), rec(['10.3'], 'skipped', [metricsSkip])]));
  expect(item(r, '10.3').status).toBe('NOT_CHECKED');
  expect(r.verdict).toBe('INCOMPLETE');
  expect(r.counts.checked).toBe(1);
});

test('manual items are MANUAL, never PASS', () => {
  const r = buildReport(input([rec(['10.1'], 'passed')]));
  expect(item(r, '8.1').status).toBe('MANUAL');
  expect(item(r, '12.2').status).toBe('MANUAL');
});

test('a run in which no checklist test ran is NO_GO', () => {
  expect(buildReport(input([])).verdict).toBe('NO_GO');
  const allSkipped = buildReport(input([rec(['10.3'], 'skipped', [{ type: 'not_checked', description: 'x' }])]));
  expect(allSkipped.verdict).toBe('NO_GO');
  expect(allSkipped.verdictReasons).toContain('no checklist test ran');
});

test('a run that did not complete is NO_GO', () => {
  const r = goWith((i) => ({ ...i, runError: 'setup step "sign in" failed' }));
  expect(r.verdict).toBe('NO_GO');
});

test('a suite that does not load is a SUITE ERROR (exit 2), never the target’s NO_GO', () => {
  const loadErrors = ["Error: Cannot find module '/x/helpers/gone.js' imported from /x/tests/s09-metrics/metrics.api.spec.ts"];
  const r = buildReport(input([], [], { suite: { selected: [], loadErrors, listError: 'the listing reported errors' }, runError: loadErrors[0] }));
  expect(r.verdict).toBe('INCOMPLETE');
  expect(r.noGoReasons).toEqual([]);
  expect(r.suiteError).toContain('Cannot find module');
  expect(r.verdictReasons[0]).toMatch(/^SUITE ERROR: the suite itself is broken, not the target/);
  expect(exitCodeFor(1, r.verdict, true)).toBe(2);
  expect(exitCodeFor(130, r.verdict, true)).toBe(130);
});

test('a section whose tests all skipped for an unexpected reason is NO_GO', () => {
  const r = buildReport(input([rec(['10.1'], 'passed'), rec(['3.2'], 'skipped', [{ type: 'skip', description: undefined }])]));
  expect(r.verdict).toBe('NO_GO');
  expect(r.verdictReasons.join()).toContain('@s03-login');
});

test('a waived failure is WAIVED and the verdict can be GO', () => {
  const all = everythingPasses();
  const tests = all.tests.map((t) => (t.items[0] === '8.7' ? { ...t, status: 'failed' as const, error: 'Error: no 429' } : t));
  const r = buildReport(input(tests, [waiver('8.7')], { signoffs: all.signoffs }));
  expect(item(r, '8.7')).toMatchObject({ status: 'WAIVED', waiver: { tracking: 'https://tracker.example/1' } });
  expect(r.verdict).toBe('GO');
});

test('a stale waiver (the item passes now) fails the run', () => {
  const r = buildReport(input([rec(['8.7'], 'passed')], [waiver('8.7')]));
  expect(r.verdict).toBe('NO_GO');
  expect(r.waiverProblems.join()).toContain('stale');
});

test('an expired waiver does not waive and fails the run', () => {
  const r = buildReport(input([rec(['8.7'], 'failed')], [waiver('8.7', '2026-11-25')]));
  expect(item(r, '8.7').status).toBe('FAIL');
  expect(r.waiverProblems.join()).toContain('expired');
});

test('a waiver for an unknown item fails the run', () => {
  const r = buildReport(input([rec(['10.1'], 'passed')], [waiver('99.1')]));
  expect(r.verdict).toBe('NO_GO');
  expect(r.waiverProblems.join()).toContain('unknown item 99.1');
});

test('cleanup failures are reported separately, not hidden', () => {
  const r = buildReport(input([rec(['10.1'], 'passed', [{ type: 'cleanup_failed', description: 'file 7: 500' }])]));
  expect(r.cleanupProblems).toEqual([expect.stringContaining('file 7: 500')]);
  expect(item(r, '10.1').status).toBe('PASS');
});

test('exit codes: 0 GO, 1 NO_GO, 3 INCOMPLETE; a failure or interrupt Playwright saw always stands', () => {
  expect(EXIT_CODES).toEqual({ GO: 0, NO_GO: 1, INCOMPLETE: 3 });
  expect(exitCodeFor(0, 'GO')).toBe(0);
  expect(exitCodeFor(0, 'INCOMPLETE')).toBe(3);
  expect(exitCodeFor(0, 'NO_GO')).toBe(1);
  // A failed test (Playwright's 1) never becomes 0 or 3, whatever the verdict (e.g. a waived failure).
  expect(exitCodeFor(1, 'GO')).toBe(1);
  expect(exitCodeFor(1, 'INCOMPLETE')).toBe(1);
  expect(exitCodeFor(130, 'GO')).toBe(130);
});
