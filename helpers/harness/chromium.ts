/**
 * Which Chromium to drive: PLAYWRIGHT_CHROMIUM_EXECUTABLE, else Playwright's own build if it is
 * installed, else the OS package (/usr/bin/chromium). `problem` explains how to get one when none
 * exists. `npm run setup` (scripts/setup.mjs) looks in the same places, in the same order.
 */
import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';

/** The command that installs whatever the suite itself is missing (browser, services, packages). */
export const SETUP_COMMAND = 'npm run setup';

/** OS packages' Chromium, in the order they are tried (Debian: `apt-get install chromium`). */
export const OS_CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

export function resolveChromium(explicit: string | undefined): { executablePath?: string; problem?: string } {
  if (explicit) {
    return existsSync(explicit)
      ? { executablePath: explicit }
      : {
          problem: `PLAYWRIGHT_CHROMIUM_EXECUTABLE=${explicit} does not exist. Point it at a Chromium binary (e.g. /usr/bin/chromium), or unset it and run \`${SETUP_COMMAND}\`.`,
        };
  }
  try {
    if (existsSync(chromium.executablePath())) return {};
  } catch {
    /* no bundled browser */
  }
  const os = OS_CHROMIUM.find((p) => existsSync(p));
  if (os) return { executablePath: os };
  return {
    problem: `No Chromium found (not Playwright's own, not ${OS_CHROMIUM[0]}). Fix: \`${SETUP_COMMAND}\` (Playwright's download where it works, else \`sudo apt-get install chromium\`), or set PLAYWRIGHT_CHROMIUM_EXECUTABLE.`,
  };
}

/**
 * Whether this invocation runs the `browser` project: no `--project` option, or one naming it
 * (Playwright matches project names case-insensitively and allows `*` wildcards).
 */
export function browserProjectSelected(argv: string[] = process.argv.slice(2)): boolean {
  const chosen: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    // `--project a b` takes every value up to the next option, as Playwright's CLI does.
    if (a === '--project') while (argv[i + 1] !== undefined && !argv[i + 1].startsWith('-')) chosen.push(argv[++i]);
    else if (a.startsWith('--project=')) chosen.push(a.slice('--project='.length));
  }
  if (chosen.length === 0) return true;
  return chosen.some((name) => {
    const re = new RegExp(`^${name.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i');
    return re.test('browser');
  });
}
