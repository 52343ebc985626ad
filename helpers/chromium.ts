/**
 * Which Chromium to drive: PLAYWRIGHT_CHROMIUM_EXECUTABLE, else Playwright's own build if it is
 * installed, else Debian's /usr/bin/chromium. `problem` explains how to get one when none exists.
 */
import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';

export function resolveChromium(explicit: string | undefined): { executablePath?: string; problem?: string } {
  if (explicit) {
    return existsSync(explicit)
      ? { executablePath: explicit }
      : { problem: `PLAYWRIGHT_CHROMIUM_EXECUTABLE=${explicit} does not exist. Point it at a Chromium binary, e.g. /usr/bin/chromium.` };
  }
  try {
    if (existsSync(chromium.executablePath())) return {};
  } catch {
    /* no bundled browser */
  }
  if (existsSync('/usr/bin/chromium')) return { executablePath: '/usr/bin/chromium' };
  return {
    problem:
      'No Chromium found. Install one: on Debian/Ubuntu `sudo apt-get install chromium` (then it is found at /usr/bin/chromium), or `npx playwright install chromium` where downloads work, or set PLAYWRIGHT_CHROMIUM_EXECUTABLE.',
  };
}
