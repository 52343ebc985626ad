/**
 * What a run covered: a filtered run is PARTIAL (a verdict for the selected items only, never GO);
 * an item passes only when all of its tests, as the whole suite lists them, ran and passed; a run
 * against the suite's own stand-in is a self-test, never GO.
 */
import { expect, test } from '@playwright/test';
import { renderHtml } from '../reporter/html.js';
import { renderMarkdown, renderSummary } from '../reporter/markdown.js';
import { buildReport } from '../reporter/verdict.js';
import { everythingPasses, goWith, input, item, listedOf, rec } from './support/verdict-input.js';

test('a filtered run is PARTIAL: a verdict for the selected items only, never GO', () => {
  const all = everythingPasses();
  // `--grep @s10-acceptance`: only section 10 ran, and all of it passed.
  const ran = all.tests.filter((t) => t.items[0].startsWith('10.'));
  const r = buildReport({
    ...input(ran, [], { signoffs: all.signoffs }),
    suite: { listed: all.tests.map(listedOf), selected: ran.map((t) => t.key) },
  });
  expect(r.partial).toBe(true);
  expect(r.verdict).not.toBe('GO');
  expect(r.verdict).toBe('INCOMPLETE');
  expect(r.scope.selectedItems).toEqual(ran.map((t) => t.items[0]));
  expect(r.scope.selectionComplete).toBe(true);
  expect(r.verdictReasons.join()).toContain('PARTIAL');
  // Items outside the selection are not counted against it and not listed as missing.
  expect(item(r, '4.2')).toMatchObject({ inScope: false, status: 'NOT_CHECKED' });
  expect(r.missing).toEqual([]);
  expect(r.counts.total).toBe(ran.length);
  expect(renderSummary(r)).toMatch(/^Launch verdict: INCOMPLETE \(PARTIAL\)/);
  expect(renderSummary(r)).toContain('PARTIAL run: only');
  expect(renderMarkdown(r)).toContain('PARTIAL run');
  expect(renderHtml(r)).toContain('PARTIAL');
});

test('a filtered run with a failure among the selected items is NO_GO, still PARTIAL', () => {
  const all = everythingPasses();
  const ran = all.tests.filter((t) => t.items[0] === '10.1').map((t) => ({ ...t, status: 'failed' as const, error: 'Error: 500' }));
  const r = buildReport({ ...input(ran), suite: { listed: all.tests.map(listedOf), selected: ran.map((t) => t.key) } });
  expect(r).toMatchObject({ verdict: 'NO_GO', partial: true });
});

test('an item with several tests passes only when ALL of them (as the whole suite lists them) ran and passed', () => {
  const all = everythingPasses();
  const browserTest = rec(['10.5'], 'passed', [], { project: 'browser', title: 'large upload in the panel' });
  const listed = [...all.tests, browserTest].map(listedOf);
  // `--project api`: the api test of 10.5 passed, its browser test did not run.
  const r = buildReport({ ...input(all.tests, [], { signoffs: all.signoffs }), suite: { listed, selected: all.tests.map((t) => t.key) } });
  const i = item(r, '10.5');
  expect(i.status).toBe('NOT_CHECKED');
  expect(i.reason).toContain('1 of 2 test(s) of this item did not run');
  expect(i.reason).toContain('large upload in the panel [browser]');
  expect(i.tests.map((t) => t.status)).toEqual(['passed', 'not run']);
  expect(i.completeWith).toContain('@item-10\\.5');
  expect(r.partial).toBe(true);
  expect(r.verdict).toBe('INCOMPLETE');
  expect(r.missing.map((m) => m.item)).toEqual(['10.5']);
});

test('a test the run selected but that produced no result (run stopped early) keeps its item from PASS', () => {
  const all = everythingPasses();
  const lost = all.tests.find((t) => t.items[0] === '9.2')!;
  const r = buildReport({
    ...input(
      all.tests.filter((t) => t !== lost),
      [],
      { signoffs: all.signoffs },
    ),
    suite: { listed: all.tests.map(listedOf), selected: all.tests.map((t) => t.key) },
  });
  expect(r.partial).toBe(false);
  expect(item(r, '9.2').status).toBe('NOT_CHECKED');
  expect(r.verdict).toBe('INCOMPLETE');
});

test('when the whole suite cannot be listed, the run cannot be GO', () => {
  const r = goWith((i) => ({ ...i, suite: { listError: 'exit 1: boom', selected: i.suite.selected } }));
  expect(r.verdict).toBe('INCOMPLETE');
  expect(r.scope.listError).toBe('exit 1: boom');
  expect(r.verdictReasons.join()).toContain('could not be listed');
});

test('a run against the stand-in is a self-test: says so, never GO', () => {
  const r = goWith((i) => ({ ...i, target: { kind: 'standin', description: 'standin behind nginx 1.22.1', baseURL: 'https://127.0.0.1:4430' } }));
  expect(r).toMatchObject({ selfTest: true, selfTestPassed: true, partial: false, verdict: 'INCOMPLETE' });
  expect(r.verdictReasons.join()).toContain('SELF-TEST');
  expect(renderSummary(r)).toMatch(/^Launch verdict: INCOMPLETE \(SELF_TEST_PASSED\)/);
  expect(renderMarkdown(r)).toContain('SELF-TEST');
  expect(renderHtml(r)).toContain('SELF_TEST_PASSED');
  const failed = goWith((i) => ({
    ...i,
    target: { kind: 'standin' },
    tests: i.tests.map((t) => (t.items[0] === '1.1' ? { ...t, status: 'failed' as const } : t)),
  }));
  expect(failed).toMatchObject({ selfTest: true, selfTestPassed: false, verdict: 'NO_GO' });
});

test('a real AsterDrive binary or a deployment can be GO; an unknown target cannot', () => {
  expect(goWith((i) => ({ ...i, target: { kind: 'asterdrive-binary' } })).verdict).toBe('GO');
  expect(goWith((i) => ({ ...i, target: { kind: 'deployment' } })).verdict).toBe('GO');
  expect(goWith((i) => ({ ...i, target: {} })).verdict).toBe('INCOMPLETE');
  expect(goWith((i) => ({ ...i, target: { kind: 'standin behind nginx 1.22.1' } })).selfTest).toBe(true);
});
