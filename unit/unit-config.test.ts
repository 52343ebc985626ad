/**
 * Every project of the project's own test config finds test files: a folder that moves (as
 * helpers/ did) must not quietly leave a project with nothing to run.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import unitConfig from '../playwright.unit.config.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

test('each project of playwright.unit.config.ts has test files in its folder', () => {
  for (const p of unitConfig.projects ?? []) {
    const dir = path.resolve(ROOT, String(p.testDir));
    const match = p.testMatch as RegExp;
    const ignore = p.testIgnore as RegExp | undefined;
    expect(existsSync(dir), `project "${p.name}": its folder ${p.testDir} does not exist`).toBe(true);
    const files = (readdirSync(dir, { recursive: true }) as string[]).filter((f) => match.test(f) && !ignore?.test(f));
    expect(files.length, `project "${p.name}": no test file under ${p.testDir}`).toBeGreaterThan(0);
  }
});
