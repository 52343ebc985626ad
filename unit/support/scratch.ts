import { mkdirSync, mkdtempSync } from 'node:fs';
import path from 'node:path';
import { test } from '@playwright/test';

/** A fresh directory in the current test's own output (test-results/unit/…), which Playwright clears on the next run. */
export function scratchDir(prefix: string): string {
  const base = test.info().outputPath();
  mkdirSync(base, { recursive: true });
  return mkdtempSync(path.join(base, prefix));
}
