/** The example CI workflow refuses to run without a target (ASTER_BASE_URL) instead of falling back to the stand-in, and gates on GO. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';

const workflow = readFileSync(path.join(import.meta.dirname, '..', 'examples', 'github-actions', 'launch-acceptance.yml'), 'utf8');

/** The shell script of the workflow step named `name` (a `run: |` block). */
function stepScript(name: string): string {
  const at = workflow.indexOf(`- name: ${name}`);
  expect(at, `the workflow has a step "${name}"`).toBeGreaterThan(-1);
  const lines = workflow.slice(at).split('\n');
  const run = lines.findIndex((l) => /^\s+run: \|\s*$/.test(l));
  const indent = (lines[run + 1].match(/^\s*/) ?? [''])[0].length;
  const body: string[] = [];
  for (const l of lines.slice(run + 1)) {
    if (l.trim() && (l.match(/^\s*/) ?? [''])[0].length < indent) break;
    body.push(l.slice(indent));
  }
  return body.join('\n');
}

test('the example workflow refuses to run without ASTER_BASE_URL, before the suite could start the stand-in', () => {
  const refuse = stepScript('Refuse to run without a target');
  expect(workflow.indexOf('Refuse to run without a target')).toBeLessThan(workflow.indexOf('run: npx playwright test'));
  const without = spawnSync('bash', ['-c', refuse], { env: { PATH: process.env.PATH, ASTER_BASE_URL: '' }, encoding: 'utf8' });
  expect(without.status).not.toBe(0);
  expect(without.stdout).toContain('ASTER_BASE_URL is not set');
  const withIt = spawnSync('bash', ['-c', refuse], { env: { PATH: process.env.PATH, ASTER_BASE_URL: 'https://staging-drive.example.com' }, encoding: 'utf8' });
  expect(withIt.status).toBe(0);
});

test('the example workflow keeps the HTML launch report and gates on a whole-checklist GO against a real target', () => {
  expect(workflow).toContain('reports/launch-report.html');
  const gate = stepScript('Launch gate');
  expect(gate).toContain('.verdict == "GO"');
  expect(gate).toContain('.partial == false');
  expect(gate).toContain('.selfTest == false');
});
