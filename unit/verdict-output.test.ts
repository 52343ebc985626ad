/**
 * What reaches the outputs: notes that qualify a pass (and other notes tests leave) survive into
 * the JSON, Markdown and HTML; evidence and report links are relative to the report; error text
 * carries no terminal colour codes; the HTML report shows the verdict on top and one table per section.
 */
import { expect, test } from '@playwright/test';
import { renderHtml } from '../reporter/html.js';
import { renderMarkdown, renderSummary } from '../reporter/markdown.js';
import { stripAnsi } from '../reporter/text.js';
import { buildReport } from '../reporter/verdict.js';
import { goWith, input, item, rec } from './support/verdict-input.js';

const qualified = { type: 'qualified', description: 'one Public Site URL (https://drive.example.com): checked that its addresses use it' };
const note = { type: 'note', description: 'ASTER_EXPECT_VERSION not set: the version is reported, not compared' };

test('a qualified pass keeps its note in the JSON, Markdown and HTML', () => {
  const r = goWith((i) => ({ ...i, tests: i.tests.map((t) => (t.items[0] === '2.11' ? { ...t, annotations: [qualified] } : t)) }));
  const i = item(r, '2.11');
  expect(i).toMatchObject({ status: 'PASS', qualified: true, notes: [expect.objectContaining({ type: 'qualified', text: qualified.description })] });
  expect(JSON.parse(JSON.stringify(r)).sections[1].items[10].notes[0].text).toBe(qualified.description);
  expect(r.counts.qualified).toBe(1);
  const md = renderMarkdown(r);
  expect(md).toContain(`QUALIFIED: ${qualified.description}`);
  expect(md).toMatch(/\| 2\.11 \|.*\(qualified\)/);
  const html = renderHtml(r);
  expect(html).toContain('one Public Site URL (https://drive.example.com): checked that its addresses use it');
  expect(html).toContain('PASS (qualified)');
});

test('other notes tests leave (note, recommendation, version) are carried too; structural annotations are not', () => {
  const r = buildReport(
    input([
      rec(['12.1'], 'passed', [
        { type: 'checklist', description: '12.1' },
        { type: 'section', description: '@s12-upgrade' },
        { type: 'version', description: 'AsterDrive 0.9.1' },
        note,
      ]),
    ]),
  );
  expect(item(r, '12.1').notes.map((n) => n.type)).toEqual(['version', 'note']);
  expect(renderMarkdown(r)).toContain(`note: ${note.description}`);
  expect(renderHtml(r)).toContain('the version is reported, not compared');
});

test('evidence and Playwright report links are relative to the report', () => {
  const t = rec(['10.1'], 'passed', [], {
    attachments: [
      { name: 'headers', path: '/work/run/reports/evidence/login-abc/headers.json', contentType: 'application/json' },
      { name: 'listing', path: '/work/run/test-results/login-abc/listing.txt', contentType: 'text/plain' },
      { name: 'trace', path: '/work/run/test-results/login-abc/trace.zip', contentType: 'application/zip' },
    ],
  });
  const r = buildReport(input([t], [], { paths: { reportDir: '/work/run/reports', playwrightReport: '/work/run/playwright-report' } }));
  const tests = item(r, '10.1').tests;
  expect(tests[0].evidence).toEqual([
    { name: 'headers', path: 'evidence/login-abc/headers.json' },
    { name: 'listing', path: '../test-results/login-abc/listing.txt' },
  ]);
  expect(tests[0].reportLink).toBe(`../playwright-report/index.html#?testId=${t.id}`);
  expect(r.links.playwrightReport).toBe('../playwright-report/index.html');
  expect(renderMarkdown(r)).toContain('[headers](evidence/login-abc/headers.json)');
  expect(renderHtml(r)).toContain('href="../test-results/login-abc/listing.txt"');
  for (const text of [JSON.stringify(r), renderMarkdown(r), renderHtml(r)]) expect(text).not.toContain('/work/run/');
});

test('error text has no terminal colour codes', () => {
  const coloured =
    '\u001b[2mexpect(\u001b[22m\u001b[31mreceived\u001b[39m\u001b[2m).\u001b[22mtoBe\u001b[2m(\u001b[22m\u001b[32mexpected\u001b[39m\u001b[2m)\u001b[22m\n\nExpected: \u001b[32m200\u001b[39m';
  expect(stripAnsi(coloured)).toBe('expect(received).toBe(expected)\n\nExpected: 200');
  const r = buildReport(input([rec(['10.1'], 'failed', [], { error: coloured })]));
  const i = item(r, '10.1');
  expect(i.tests[0].error).toBe('expect(received).toBe(expected)');
  for (const text of [JSON.stringify(r), renderMarkdown(r), renderHtml(r), renderSummary(r)]) {
    expect(text).not.toContain('\u001b');
    expect(text).not.toContain('\\u001b');
  }
});

test('the HTML report: verdict first, the missing list, one table per section, escaped text', () => {
  const r = buildReport(
    input([
      rec(['10.1'], 'passed', [{ type: 'note', description: '<script>alert(1)</script>' }]),
      rec(['10.3'], 'skipped', [{ type: 'not_checked', description: 'no metrics URL (set ASTER_METRICS_URL to check it)' }]),
    ]),
  );
  const html = renderHtml(r);
  expect(html.indexOf('class="verdict incomplete"')).toBeGreaterThan(0);
  expect(html.indexOf('class="verdict')).toBeLessThan(html.indexOf('<h2'));
  expect(html).toContain('Missing for GO');
  expect(html).toContain('set ASTER_METRICS_URL');
  expect(html.match(/<h2 id="section-/g)?.length).toBe(12);
  expect(html.match(/<table class="items">/g)?.length).toBe(12);
  expect(html).not.toContain('<script>');
  expect(html).toContain('&lt;script&gt;');
  expect(html).toContain('href="../playwright-report/index.html"');
});
