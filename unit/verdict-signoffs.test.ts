/** Sign-offs for MANUAL items (signoffs.json): they complete an item; bad ones fail the run like waivers. */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { renderHtml } from '../reporter/html.js';
import { renderMarkdown } from '../reporter/markdown.js';
import { loadSignoffs } from '../reporter/signoffs.js';
import { buildReport } from '../reporter/verdict.js';
import { everythingPasses, goWith, input, item, rec, signoff } from './support/verdict-input.js';
import { scratchDir } from './support/scratch.js';

const withSignoffs = (change: (s: ReturnType<typeof signoff>[]) => ReturnType<typeof signoff>[]) => goWith((i) => ({ ...i, signoffs: change(i.signoffs) }));

test('a signed-off MANUAL item counts toward GO and carries who confirmed what, when, until when', () => {
  const r = goWith();
  expect(r.verdict).toBe('GO');
  expect(item(r, '8.1')).toMatchObject({ status: 'MANUAL', signoff: { signedBy: 'Jane Roe (ops lead)', signedOn: '2026-11-20', expires: '2027-05-20' } });
  expect(r.counts.signedOff).toBe(r.sections.flatMap((s) => s.items).filter((i) => i.status === 'MANUAL').length);
  expect(renderMarkdown(r)).toContain('signed off by Jane Roe (ops lead) on 2026-11-20');
  expect(renderHtml(r)).toContain('signed off by Jane Roe (ops lead) on 2026-11-20');
});

test('an auto item whose test asked a person (manual()) is completed by a sign-off too', () => {
  const all = everythingPasses();
  const tests = all.tests.map((t) =>
    t.items[0] === '3.3' ? { ...t, status: 'skipped' as const, annotations: [{ type: 'manual', description: 'confirm the lifetimes' }] } : t,
  );
  const without = buildReport(input(tests, [], { signoffs: all.signoffs }));
  expect(without.verdict).toBe('INCOMPLETE');
  expect(without.missing.map((m) => m.item)).toEqual(['3.3']);
  const withIt = buildReport(input(tests, [], { signoffs: [...all.signoffs, signoff('3.3')] }));
  expect(withIt.verdict).toBe('GO');
});

test('a sign-off for an unknown item fails the run', () => {
  const r = withSignoffs((s) => [...s, signoff('99.1')]);
  expect(r.verdict).toBe('NO_GO');
  expect(r.signoffProblems.join()).toContain('unknown item 99.1');
});

test('an expired sign-off does not count and fails the run', () => {
  const r = withSignoffs((s) => s.map((x) => (x.item === '8.1' ? { ...x, expires: '2026-11-25' } : x)));
  expect(r.verdict).toBe('NO_GO');
  expect(item(r, '8.1').signoff).toBeUndefined();
  expect(r.signoffProblems.join()).toContain('expired on 2026-11-25');
});

test('a stale sign-off (the item is no longer MANUAL: it is checked now) fails the run', () => {
  const r = withSignoffs((s) => [...s, signoff('10.1')]);
  expect(item(r, '10.1').status).toBe('PASS');
  expect(r.verdict).toBe('NO_GO');
  expect(r.signoffProblems.join()).toContain('sign-off for 10.1 is stale');
});

test('a sign-off dated in the future, or two for one item, fail the run', () => {
  expect(withSignoffs((s) => s.map((x) => (x.item === '8.1' ? { ...x, signedOn: '2026-12-01' } : x))).verdict).toBe('NO_GO');
  expect(withSignoffs((s) => [...s, signoff('8.1')]).signoffProblems.join()).toContain('two sign-offs for 8.1');
});

test('signoffs.json: the shipped file is empty and valid; a malformed entry is a problem naming the field', () => {
  expect(loadSignoffs(path.join(import.meta.dirname, '..', 'signoffs.json'))).toEqual({ signoffs: [], problems: [] });
  expect(JSON.parse(readFileSync(path.join(import.meta.dirname, '..', 'signoffs.json'), 'utf8'))).toEqual({ signoffs: [] });
  const dir = scratchDir('signoffs-');
  const file = path.join(dir, 'signoffs.json');
  writeFileSync(file, JSON.stringify({ signoffs: [{ item: '8.1', signedBy: 'Jo', signedOn: '2026-11-20', expires: '2027-01-01' }] }));
  const bad = loadSignoffs(file);
  expect(bad.problems.join()).toContain('signoffs.0.confirmed');
  writeFileSync(file, '{ nope');
  expect(loadSignoffs(file).problems.join()).toContain('not valid JSON');
  const r = buildReport(input([rec(['10.1'], 'passed')], [], { signoffFileProblems: bad.problems }));
  expect(r.verdict).toBe('NO_GO');
});
