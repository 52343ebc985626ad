/**
 * 2.7: no global Content-Security-Policy from the proxy overrides AsterDrive's own: the panel's
 * pages (sign-in, file browser, trash, a share page, an image preview) run in a real browser
 * without a `securitypolicyviolation` event or CSP console error under a policy AsterDrive did not
 * send (helpers/judges/csp.ts tells them apart). What trips AsterDrive's own policy is evidence only.
 */
import type { BrowserContext, Page } from '@playwright/test';
import { expect, PANEL_PREFERENCES, test } from '../../fixtures/index.js';
import { checks } from '../../helpers/catalogue/checklist.js';
import { attributeViolations, consoleErrorIsOwn, samePolicy, type Violation } from '../../helpers/judges/csp.js';
import { entryOf } from '../../helpers/clients/entry/entry.js';
import { makePng } from '../../helpers/clients/files/generate.js';
import { FileBrowser } from '../../pages/file-browser.js';

/** Records every CSP violation of the document (and its frames) before any page script runs. */
const RECORD_VIOLATIONS = `(() => {
  const seen = (window.__launchCsp = window.__launchCsp || []);
  document.addEventListener('securitypolicyviolation', (e) => {
    seen.push({ directive: e.effectiveDirective || e.violatedDirective, blocked: e.blockedURI, policy: e.originalPolicy || '', source: e.sourceFile, line: e.lineNumber, disposition: e.disposition });
  }, true);
})();`;

interface Seen {
  page: string;
  violations: Violation[];
  consoleErrors: string[];
  cspHeaders: string[];
  /** The page's own `<meta http-equiv="Content-Security-Policy">`: AsterDrive's policy. */
  metaPolicy?: string;
}

async function watch(context: BrowserContext): Promise<void> {
  await context.addInitScript(PANEL_PREFERENCES);
  await context.addInitScript(RECORD_VIOLATIONS);
}

async function visit(page: Page, label: string, url: string, consoleErrors: string[]): Promise<Seen> {
  consoleErrors.length = 0;
  const res = await page.goto(url, { waitUntil: 'load' });
  const cspHeaders = res ? ((await res.headersArray()).filter((h) => h.name.toLowerCase() === 'content-security-policy').map((h) => h.value) as string[]) : [];
  // The app has run when it rendered a heading or its drop zone; with a blocking CSP it never does,
  // and the first recorded violation ends the wait instead.
  await page
    .waitForFunction(
      () =>
        ((window as unknown as { __launchCsp?: unknown[] }).__launchCsp?.length ?? 0) > 0 ||
        document.querySelector('h1, h2, [aria-label="File drop zone"]') !== null,
      undefined,
      { timeout: 10_000 },
    )
    .catch(() => undefined);
  const violations = (await page
    .evaluate(() => (window as unknown as { __launchCsp?: Seen['violations'] }).__launchCsp ?? [])
    .catch(() => [])) as Seen['violations'];
  const metaPolicy = await page
    .locator('meta[http-equiv="Content-Security-Policy" i]')
    .first()
    .getAttribute('content', { timeout: 1_000 })
    .catch(() => null);
  return {
    page: label,
    violations,
    consoleErrors: consoleErrors.filter((m) => /content security policy|refused to (load|execute|apply|connect|frame|evaluate)/i.test(m)),
    cspHeaders,
    metaPolicy: metaPolicy ?? undefined,
  };
}

function collect(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text().slice(0, 300));
  });
  return errors;
}

/** Violations under a policy AsterDrive did not send; those under its own go to `own`. */
function problems(all: Seen[], ownPolicy: string | undefined, own: string[]): string[] {
  return all.flatMap((s) => {
    const { own: mine, foreign } = attributeViolations(s.violations, ownPolicy);
    own.push(...mine.map((v) => `${s.page}: ${v.directive} blocked ${v.blocked || '(inline)'}`));
    const foreignConsole = s.consoleErrors.filter((e) => !consoleErrorIsOwn(e, ownPolicy));
    own.push(...s.consoleErrors.filter((e) => consoleErrorIsOwn(e, ownPolicy)).map((e) => `${s.page}: console: ${e}`));
    return [
      ...foreign.map((v) => `${s.page}: ${v.directive} blocked ${v.blocked || '(inline)'} under policy "${v.policy.slice(0, 300)}"`),
      ...foreignConsole.map((e) => `${s.page}: console: ${e}`),
    ];
  });
}

test(
  'the panel, a share page and an image preview run without CSP violations',
  checks(['2.7'], '@own-data'),
  async ({ browser, userContext, userApi, workFolder, owned, ns, run, evidence }) => {
    const current = entryOf(run).current;
    const name = ns.name('csp', 'png');
    owned.byName(userApi, name, { folderId: workFolder.id });
    const image = await userApi.uploadBytes(name, await makePng(name), workFolder.id, 'image/png');
    owned.file(userApi, image.id);
    const share = await userApi.createShare({ type: 'file', id: image.id });
    owned.share(userApi, share.id);

    const seen: Seen[] = [];
    const anonymous = await browser.newContext();
    try {
      await watch(anonymous);
      const page = await anonymous.newPage();
      const errors = collect(page);
      seen.push(await visit(page, 'sign-in page /login', `${current}/login`, errors));
      seen.push(await visit(page, `share page /s/${share.token}`, `${current}/s/${share.token}`, errors));
    } finally {
      await anonymous.close();
    }

    await watch(userContext);
    const page = await userContext.newPage();
    const errors = collect(page);
    seen.push(await visit(page, 'file browser /', `${current}/`, errors));
    seen.push(await visit(page, `folder /folder/${workFolder.id}`, `${current}/folder/${workFolder.id}`, errors));
    seen.push(await visit(page, 'trash /trash', `${current}/trash`, errors));

    const ownPolicy = seen.find((s) => s.metaPolicy)?.metaPolicy;
    const own: string[] = [];
    const policies = [...new Set(seen.flatMap((s) => s.cspHeaders))];
    const foreignPolicies = policies.filter((p) => !ownPolicy || !samePolicy(p, ownPolicy));
    const fix = `${
      foreignPolicies.length
        ? `the pages carry Content-Security-Policy headers AsterDrive did not send (${foreignPolicies.map((p) => `"${p.slice(0, 80)}"`).join(', ')}); `
        : ''
    }remove the proxy's global add_header Content-Security-Policy (AsterDrive sends the CSP its panel needs on HTML pages) or make it no stricter than AsterDrive's`;
    const before = problems(seen, ownPolicy, own);
    await evidence('CSP while loading the pages', { ownPolicy, foreignPolicies, underOwnPolicy: own, pages: seen });
    expect(before, `CSP blocks parts of the panel: ${fix}`).toEqual([]);

    await test.step('preview an image in the panel', async () => {
      const browserPage = new FileBrowser(page);
      await browserPage.openFolder(workFolder, current);
      const dialog = await browserPage.preview(name);
      const image = dialog.getByRole('img', { name });
      await expect(image).toBeVisible();
      await expect.poll(() => image.evaluate((el) => (el as HTMLImageElement).complete)).toBe(true);
      const after = (await page.evaluate(() => (window as unknown as { __launchCsp?: Seen['violations'] }).__launchCsp ?? [])) as Seen['violations'];
      const preview: Seen = {
        page: `image preview of ${name}`,
        violations: after,
        consoleErrors: errors.filter((m) => /content security policy/i.test(m)),
        cspHeaders: [],
      };
      const ownInPreview: string[] = [];
      const found = problems([preview], ownPolicy, ownInPreview);
      await evidence('CSP during the image preview', { ...preview, underOwnPolicy: ownInPreview });
      expect(found, `CSP blocks the image preview: ${fix}`).toEqual([]);
    });
  },
);
