/**
 * The Public Site URL setting (`public_site_url`, upstream src/config/site_url.rs), read only, and the addresses
 * AsterDrive and its panel build from it.
 */
import { type Browser, chromium } from '@playwright/test';
import { FileBrowser, type FolderRef } from '../../../pages/file-browser.js';
import { PublicSharePage } from '../../../pages/public-share-page.js';
import { ShareDialog } from '../../../pages/share-dialog.js';
import type { AsterClient } from '../api/aster.js';
import { resolveChromium } from '../../harness/chromium.js';
import { RUN_SPKI_ENV } from '../../harness/trust.js';

export async function publicSiteUrls(admin: AsterClient): Promise<string[]> {
  const { value } = await admin.getConfig('public_site_url');
  if (Array.isArray(value)) return value.map((v) => v.trim()).filter(Boolean);
  const text = value.trim();
  if (!text) return [];
  if (text.startsWith('[')) return (JSON.parse(text) as string[]).map((v) => v.trim()).filter(Boolean);
  return text
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
}

/**
 * The origin AsterDrive uses in a URL it builds for a request (WebDAV endpoint, WOPISrc): the
 * entry that exactly matches the request origin, else the first (upstream src/config/site_url.rs public_site_url_for_request).
 */
export function expectedOriginFor(requestOrigin: string, entries: string[]): string | undefined {
  const norm = entries.map((e) => e.replace(/\/$/, '').toLowerCase());
  return norm.find((e) => e === requestOrigin.toLowerCase()) ?? norm[0];
}

/**
 * The origin of a share link as the panel builds it: `/s/<token>` on the first Public Site URL,
 * else on the page's own origin (upstream frontend-panel/src/lib/publicSiteUrl.ts).
 */
export function expectedShareOrigin(pageOrigin: string, entries: string[]): string {
  return (entries[0] ?? pageOrigin).replace(/\/$/, '').toLowerCase();
}

/** The page origin of a panel link, lower case (`undefined` when it is no absolute URL). */
export function linkOrigin(link: string): string | undefined {
  try {
    return new URL(link).origin.toLowerCase();
  } catch {
    return undefined;
  }
}

/**
 * A Chromium for checks outside the `browser` project (API checks that read what the panel
 * shows): the same executable and certificate trust as playwright.config.ts gives that project.
 * `problem` says why there is none (ASTER_WITHOUT=browser, no Chromium installed).
 */
export async function launchPanelBrowser(): Promise<{ browser?: Browser; problem?: string }> {
  if (process.env.ASTER_CHROMIUM_PROBLEM) return { problem: process.env.ASTER_CHROMIUM_PROBLEM };
  const found = resolveChromium(process.env.PLAYWRIGHT_CHROMIUM_EXECUTABLE);
  if (found.problem) return { problem: found.problem };
  const spki = process.env[RUN_SPKI_ENV];
  const browser = await chromium.launch({
    executablePath: found.executablePath,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', ...(spki ? [`--ignore-certificate-errors-spki-list=${spki}`] : [])],
  });
  return { browser };
}

export interface PanelShareLink {
  /** The origin the panel was opened on. */
  via: string;
  /** The link the share dialog shows, when it showed one. */
  link?: string;
  /** Why the panel gave no link there (sign-in refused, the dialog failed). */
  problem?: string;
}

/**
 * Opens the panel on `origin` as `creds` (a sign-in of its own through that origin, logged out
 * afterwards), shares `fileName` from `folder` with the share dialog and returns the
 * link the dialog shows: the address users copy and send.
 */
export async function panelShareLink(
  browser: Browser,
  opts: { origin: string; creds: { identifier: string; password: string }; folder: FolderRef; fileName: string; initScript?: string },
): Promise<PanelShareLink> {
  const origin = opts.origin.replace(/\/$/, '');
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1440, height: 960 }, serviceWorkers: 'block' });
  try {
    if (opts.initScript) await context.addInitScript(opts.initScript);
    const login = await context.request.post(`${origin}/api/v1/auth/login`, {
      data: { identifier: opts.creds.identifier, password: opts.creds.password },
      headers: { origin },
      failOnStatusCode: false,
      maxRedirects: 0,
    });
    if (login.status() !== 200) return { via: origin, problem: `signing in through ${origin} answered HTTP ${login.status()}` };
    const page = await context.newPage();
    const files = new FileBrowser(page);
    try {
      await files.openFolder(opts.folder, origin);
      await files.rowAction(opts.fileName, 'Share');
      const link = await new ShareDialog(page, opts.fileName).createLink();
      return { via: origin, link };
    } catch (e) {
      return { via: origin, problem: `the panel on ${origin} gave no share link: ${(e as Error).message.split('\n')[0]}` };
    } finally {
      const csrf = (await context.cookies(origin)).find((c) => c.name === 'aster_csrf')?.value ?? '';
      await context.request.post(`${origin}/api/v1/auth/logout`, { headers: { origin, 'x-csrf-token': csrf }, failOnStatusCode: false }).catch(() => undefined);
    }
  } finally {
    await context.close();
  }
}

/**
 * Opens a share link as an anonymous visitor (a fresh context) and waits for the share page to
 * name the shared file: what the recipient of the link sees. Returns why not, or undefined.
 */
export async function shareLinkProblem(browser: Browser, link: string, fileName: string, initScript?: string): Promise<string | undefined> {
  const context = await browser.newContext({ locale: 'en-US', serviceWorkers: 'block' });
  try {
    if (initScript) await context.addInitScript(initScript);
    const page = await context.newPage();
    let status: number | undefined;
    try {
      status = (await page.goto(link, { timeout: 30_000 }))?.status();
    } catch (e) {
      return `${link} does not open: ${(e as Error).message.split('\n')[0]}`;
    }
    if (status !== undefined && status !== 200) return `${link} answers HTTP ${status}`;
    try {
      await new PublicSharePage(page).heading(fileName).waitFor({ timeout: 30_000 });
    } catch {
      const text = (
        (await page
          .locator('body')
          .textContent()
          .catch(() => '')) ?? ''
      )
        .replace(/\s+/g, ' ')
        .slice(0, 160);
      return `${link} opens, but the share page does not show ${fileName} (it shows: "${text}")`;
    }
    return undefined;
  } finally {
    await context.close();
  }
}
