import { expect, test } from '@playwright/test';
import type { TestRecord } from '../reporter/model.js';
import { buildReport, type BuildInput } from '../reporter/verdict.js';
import type { Waiver } from '../reporter/waivers.js';

let n = 0;
function rec(items: string[], status: TestRecord['status'], annotations: TestRecord['annotations'] = []): TestRecord {
  n += 1;
  return {
    id: `t${n}`,
    title: `test ${n}`,
    file: 'tests/x.api.spec.ts',
    line: n,
    project: 'api',
    items,
    status,
    durationMs: 1,
    annotations,
    attachments: [],
    error: status === 'failed' ? 'Error: boom\n  at x' : undefined,
  };
}
const input = (tests: TestRecord[], waivers: Waiver[] = []): BuildInput => ({ tests, waivers, waiverFileProblems: [], target: {}, today: '2026-11-26' });
const item = (r: ReturnType<typeof buildReport>, id: string) => r.sections.flatMap((s) => s.items).find((i) => i.id === id)!;
const waiver = (item: string, expires = '2027-01-31'): Waiver => ({
  item,
  reason: 'known proxy limit, fix planned',
  tracking: 'https://tracker.example/1',
  expires,
});

test('every catalogue item appears once, in checklist order', () => {
  const r = buildReport(input([rec(['10.1'], 'passed')]));
  const ids = r.sections.flatMap((s) => s.items.map((i) => i.id));
  expect(ids.length).toBe(87);
  expect(new Set(ids).size).toBe(87);
  expect(ids.slice(0, 3)).toEqual(['1.1', '1.2', '1.3']);
  expect(ids.at(-1)).toBe('12.2');
});

test('an item passes only when every test naming it passed', () => {
  const r = buildReport(input([rec(['10.5'], 'passed'), rec(['10.5'], 'failed')]));
  expect(item(r, '10.5').status).toBe('FAIL');
  expect(item(r, '10.5').rerun).toBe('npx playwright test --grep "@item-10\\.5\\b"');
  expect(r.verdict).toBe('NO_GO');
});

test('a skipped test never makes a pass: NOT_CHECKED with the variable that would enable it', () => {
  const r = buildReport(
    input([rec(['10.1'], 'passed'), rec(['10.3'], 'skipped', [{ type: 'not_checked', description: 'no metrics URL (set ASTER_METRICS_URL to check it)' }])]),
  );
  expect(item(r, '10.3')).toMatchObject({ status: 'NOT_CHECKED', reason: expect.stringContaining('ASTER_METRICS_URL') });
  expect(r.verdict).toBe('GO');
  expect(r.counts.checked).toBe(1);
});

test('manual items are MANUAL, never PASS', () => {
  const r = buildReport(input([rec(['10.1'], 'passed')]));
  expect(item(r, '8.1').status).toBe('MANUAL');
  expect(item(r, '12.2').status).toBe('MANUAL');
});

test('a run in which no checklist test ran is never GO', () => {
  expect(buildReport(input([])).verdict).toBe('NO_GO');
  const allSkipped = buildReport(input([rec(['10.3'], 'skipped', [{ type: 'not_checked', description: 'x' }])]));
  expect(allSkipped.verdict).toBe('NO_GO');
  expect(allSkipped.verdictReasons).toContain('no checklist test ran');
});

test('a section whose tests all skipped for an unexpected reason is NO_GO', () => {
  const r = buildReport(input([rec(['10.1'], 'passed'), rec(['3.2'], 'skipped', [{ type: 'skip', description: undefined }])]));
  expect(r.verdict).toBe('NO_GO');
  expect(r.verdictReasons.join()).toContain('@s03-login');
});

test('a waived failure is WAIVED and the verdict can be GO', () => {
  const r = buildReport(input([rec(['10.1'], 'passed'), rec(['8.7'], 'failed')], [waiver('8.7')]));
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
