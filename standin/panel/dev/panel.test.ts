// Drives the stand-in panel against dev/mock-api.mjs using role/name locators only.
import { type Browser, type BrowserContext, expect, type Page, test } from '@playwright/test';

const USER = 'admin';
const PASSWORD = 'Password123!';
const RUN = Date.now().toString(36);

const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
function minimalPdf(): Buffer {
  const objs = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 4 0 R >>',
  ];
  const stream = 'BT /F1 18 Tf 20 100 Td (Hello PDF) Tj ET';
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objs.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  offsets.push(out.length);
  out += `4 0 obj\n<< /Length ${stream.length} >>\nstream\n${stream}\nendstream\nendobj\n`;
  const xref = out.length;
  out += `xref\n0 5\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

const files = {
  gif: { name: `pixel-${RUN}.gif`, mimeType: 'image/gif', buffer: GIF },
  pdf: { name: `doc-${RUN}.pdf`, mimeType: 'application/pdf', buffer: minimalPdf() },
  txt: { name: `notes-${RUN}.ts`, mimeType: 'text/plain', buffer: Buffer.from(`export const run = "${RUN}";\n`) },
  big: { name: `big-${RUN}.bin`, mimeType: 'application/octet-stream', buffer: Buffer.alloc(6 * 1024 * 1024 + 123, 7) },
};

// ---------------------------------------------------------------- error watch
const problems: string[] = [];
function watch(page: Page) {
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const text = msg.text();
    if (/Failed to load resource/.test(text)) return; // HTTP error statuses the tests provoke on purpose
    problems.push(`console: ${text}`);
  });
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
}
async function seed(ctx: BrowserContext) {
  await ctx.addInitScript(() => {
    localStorage.setItem('aster-language', 'en');
    localStorage.setItem('aster-view-mode', 'list');
    localStorage.setItem('aster-browser-open-mode', 'single_click');
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
}
async function newPage(browser: Browser) {
  const ctx = await browser.newContext();
  await seed(ctx);
  const page = await ctx.newPage();
  watch(page);
  return { ctx, page };
}

test.describe.configure({ mode: 'serial' });

let page: Page;
let ctx: BrowserContext;
let shareUrl = '';

test.beforeAll(async ({ browser }) => {
  ({ ctx, page } = await newPage(browser));
});
test.afterAll(async () => {
  await ctx?.close();
});
test.afterEach(() => {
  const found = problems.splice(0);
  expect(found, 'console errors / CSP violations').toEqual([]);
});

async function login(p: Page) {
  await p.goto('/login');
  await expect(p.getByRole('heading', { name: 'Sign in to your account' })).toBeVisible();
  await p.getByLabel('Email or username').fill(USER);
  await p.locator('#password').fill(PASSWORD);
  await p.getByRole('button', { name: 'Sign In', exact: true }).click();
  await expect(p.getByText('Welcome back!').first()).toBeVisible();
  await expect(p.getByRole('region', { name: 'File drop zone' })).toBeVisible();
}

function row(p: Page, name: string) {
  return p.getByRole('row').filter({ has: p.getByTitle(name, { exact: true }) });
}

async function surfaceMenu(p: Page, item: string) {
  const zone = p.getByRole('region', { name: 'File drop zone' });
  const box = await zone.boundingBox();
  if (!box) throw new Error('no drop zone');
  await p.mouse.click(box.x + 40, box.y + box.height - 20, { button: 'right' });
  await p.getByRole('menuitem', { name: item, exact: true }).click();
}

test('protected route redirects to login; wrong then right password', async () => {
  await page.goto('/trash');
  await expect(page).toHaveURL(/\/login$/);
  await expect(page).toHaveTitle('Sign In · AsterDrive');
  await expect(page.getByRole('button', { name: 'Sign in with passkey' })).toBeVisible();
  await page.getByLabel('Email or username').fill(USER);
  await page.locator('#password').fill('wrong-password');
  await page.getByRole('button', { name: 'Sign In', exact: true }).click();
  await expect(page.getByText('Invalid credentials or account unavailable.').first()).toBeVisible();
  await expect(page).toHaveURL(/\/login$/);
  await page.locator('#password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign In', exact: true }).click();
  await expect(page.getByText('Welcome back!').first()).toBeVisible();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('region', { name: 'File drop zone' })).toBeVisible();
  await expect(page).toHaveTitle('All files · AsterDrive');
  await expect(page.getByRole('navigation', { name: 'Breadcrumb' })).toContainText('Root');
  await expect(page.getByText('This folder is empty')).toBeVisible();
});

test('reload keeps the session; /login redirects home', async () => {
  await page.reload();
  await expect(page.getByRole('region', { name: 'File drop zone' })).toBeVisible();
  await page.goto('/login');
  await expect(page).toHaveURL(/\/$/);
  const aside = page.getByRole('complementary');
  await expect(aside.getByRole('button', { name: 'Root', exact: true })).toBeVisible();
  for (const name of ['Trash', 'My Shares', 'Tasks', 'WebDAV']) await expect(aside.getByRole('link', { name, exact: true })).toBeVisible();
});

test('logout and log back in', async () => {
  await page.getByRole('button', { name: USER }).click();
  await expect(page.getByRole('menuitem', { name: 'Settings' })).toBeVisible();
  await expect(page.getByRole('menuitem', { name: 'Admin Panel' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('menu')).toHaveCount(0);
  await page.getByRole('button', { name: USER }).click();
  await page.getByRole('button', { name: 'Logout' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto('/');
  await expect(page).toHaveURL(/\/login$/);
  await login(page);
});

test('create folder from the surface context menu', async () => {
  const folder = `folder-${RUN}`;
  await surfaceMenu(page, 'New Folder');
  const dlg = page.getByRole('dialog', { name: 'Create Folder' });
  await dlg.getByPlaceholder('Folder name').fill(folder);
  await dlg.getByRole('button', { name: 'Create Folder' }).click();
  await expect(page.getByText('Folder created').first()).toBeVisible();
  await expect(row(page, folder)).toBeVisible();
  await expect(page.getByRole('complementary').getByRole('button', { name: folder, exact: true })).toBeVisible();
  await row(page, folder).click();
  await expect(page).toHaveURL(/\/folder\/\d+$/);
  await expect(page.getByRole('navigation', { name: 'Breadcrumb' })).toContainText(folder);
  await page.getByRole('complementary').getByRole('button', { name: 'Root', exact: true }).click();
  await expect(page).toHaveURL(/\/$/);
});

test('upload files through the file chooser', async () => {
  const chooser = page.waitForEvent('filechooser');
  await surfaceMenu(page, 'Upload File');
  await (await chooser).setFiles([files.gif, files.pdf, files.txt, files.big]);
  const shell = page.locator('[data-testid="bottom-right-activity-shell"]');
  await expect(shell.getByText('Upload', { exact: true })).toBeVisible();
  for (const f of Object.values(files)) {
    await expect(shell.getByText(f.name, { exact: true }).locator('..')).toContainText('Upload complete', { timeout: 30_000 });
    await expect(row(page, f.name)).toBeVisible({ timeout: 30_000 });
  }
});

test('preview an image, a PDF and a text file', async () => {
  await row(page, files.gif.name).click();
  const img = page.getByRole('dialog', { name: files.gif.name });
  await expect(img.getByRole('img', { name: files.gif.name })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(img).toHaveCount(0);

  await row(page, files.pdf.name).click();
  const pdf = page.getByRole('dialog', { name: files.pdf.name });
  await expect(pdf.locator('canvas').first()).toBeVisible();
  await pdf.getByRole('button', { name: 'Close', exact: true }).click();
  await expect(pdf).toHaveCount(0);

  await row(page, files.txt.name).getByRole('button', { name: 'More actions' }).click();
  await page.getByRole('menuitem', { name: 'Open', exact: true }).click();
  const txt = page.getByRole('dialog', { name: files.txt.name });
  await expect(txt.locator('pre')).toContainText(RUN);
  await page.keyboard.press('Escape');
});

test('download, rename and version history', async () => {
  await row(page, files.txt.name).getByRole('button', { name: 'More actions' }).click();
  await page.getByRole('menuitem', { name: 'Download' }).click();
  const dlg = page.getByRole('dialog', { name: 'Choose a download method' });
  const download = page.waitForEvent('download');
  await dlg.getByRole('button', { name: /Use browser download/ }).click();
  expect((await download).suggestedFilename()).toBe(files.txt.name);

  await row(page, files.txt.name).getByRole('button', { name: 'More actions' }).click();
  await page.getByRole('menuitem', { name: 'Version History' }).click();
  const vh = page.getByRole('dialog', { name: `Version History - ${files.txt.name}` });
  for (const col of ['Version', 'Size', 'Date', 'Actions']) await expect(vh.getByRole('columnheader', { name: col })).toBeVisible();
  await vh.getByRole('button', { name: 'Close', exact: true }).click();

  const renamed = `renamed-${RUN}.ts`;
  await row(page, files.txt.name).getByRole('button', { name: 'More actions' }).click();
  await page.getByRole('menuitem', { name: 'Rename' }).click();
  const rn = page.getByRole('dialog', { name: 'Rename' });
  await rn.getByRole('textbox', { name: 'Rename' }).fill(renamed);
  await rn.getByRole('button', { name: 'Rename' }).click();
  await expect(page.getByText('Renamed').first()).toBeVisible();
  await expect(row(page, renamed)).toBeVisible();
  files.txt.name = renamed;
});

test('share a file with a password', async () => {
  await row(page, files.gif.name).getByRole('button', { name: 'More actions' }).click();
  await page.getByRole('menuitem', { name: 'Share', exact: true }).click();
  const dlg = page.getByRole('dialog', { name: `Share "${files.gif.name}"` });
  await dlg.getByLabel('Password (optional)').fill('s3cret-pass');
  await dlg.getByRole('combobox').click();
  await expect(page.getByRole('option', { name: '30 days' })).toBeVisible();
  await page.getByRole('option', { name: '7 days' }).click();
  await dlg.getByLabel('Download limit (optional)').fill('5');
  await dlg.getByRole('button', { name: 'Create link' }).click();
  await expect(page.getByText('Link created').first()).toBeVisible();
  shareUrl = await dlg.locator('[data-testid="share-primary-url"]').inputValue();
  expect(shareUrl).toMatch(/\/s\/[0-9a-f]+$/);
  await expect(dlg.getByText('This link is password protected. Share the password separately.')).toBeVisible();
  await dlg.getByRole('button', { name: 'Done' }).click();
  await expect(dlg).toHaveCount(0);

  await page.getByRole('link', { name: 'My Shares' }).click();
  await expect(page.getByRole('heading', { name: 'My Shares' })).toBeVisible();
  await expect(page.getByRole('button').filter({ hasText: files.gif.name })).toBeVisible();
});

test('public share page in a fresh context', async ({ browser }) => {
  const { ctx: anon, page: p } = await newPage(browser);
  try {
    await p.goto(shareUrl);
    await expect(p.getByRole('heading', { level: 1, name: files.gif.name })).toBeVisible();
    await expect(p.getByText('This share is password protected')).toBeVisible();
    await p.getByPlaceholder('Password').fill('nope');
    await p.getByRole('button', { name: 'Verify' }).click();
    await expect(p.getByText('Invalid credentials or account unavailable.').first()).toBeVisible();
    await p.getByLabel('Password').fill('s3cret-pass');
    await p.getByRole('button', { name: 'Verify' }).click();
    await expect(p.getByText('Password verified').first()).toBeVisible();
    await expect(p.getByText('Shared by admin')).toBeVisible();
    await p.getByRole('button', { name: 'Preview' }).click();
    const dlg = p.getByRole('dialog', { name: files.gif.name });
    await expect(dlg.getByRole('img', { name: files.gif.name })).toBeVisible();
    await p.keyboard.press('Escape');
    const popup = p.waitForEvent('popup');
    await p.getByRole('button', { name: 'Download' }).click();
    await (await popup).close();

    await p.goto('/s/0123456789abcdef0123456789abcdef');
    await expect(p.getByText('Unavailable')).toBeVisible();
    await expect(p.getByText('This share link does not exist or is no longer available')).toBeVisible();
  } finally {
    await anon.close();
  }
});

test('delete to trash and restore', async () => {
  await page.getByRole('complementary').getByRole('button', { name: 'Root', exact: true }).click();
  await row(page, files.pdf.name).getByRole('button', { name: 'More actions' }).click();
  await page.getByRole('menuitem', { name: 'Delete' }).click();
  await expect(page.getByText('Moved to trash').first()).toBeVisible();
  await expect(row(page, files.pdf.name)).toHaveCount(0);

  await page.getByRole('link', { name: 'Trash' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Trash' })).toBeVisible();
  await expect(page).toHaveTitle('Trash · AsterDrive');
  for (const col of ['Name', 'Original location', 'Expires', 'Size']) await expect(page.getByRole('columnheader', { name: col })).toBeVisible();
  await row(page, files.pdf.name).click();
  await expect(page.getByText('1 selected').first()).toBeVisible();
  await page.getByRole('button', { name: 'Restore Selected' }).click();
  await expect(page.getByText('Restored 1 item(s)').first()).toBeVisible();
  await expect(page.getByText('Trash is empty')).toBeVisible();

  await page.getByRole('complementary').getByRole('button', { name: 'Root', exact: true }).click();
  await expect(row(page, files.pdf.name)).toBeVisible();
  // purge path
  await row(page, files.big.name).getByRole('button', { name: 'More actions' }).click();
  await page.getByRole('menuitem', { name: 'Delete' }).click();
  await page.getByRole('link', { name: 'Trash' }).click();
  await row(page, files.big.name).click();
  await page.getByRole('button', { name: 'Delete Selected Permanently' }).click();
  const confirm = page.getByRole('alertdialog', { name: 'Permanently delete these 1 item(s)?' });
  await confirm.getByRole('button', { name: 'Permanently Delete' }).click();
  await expect(page.getByText('Permanently deleted 1 item(s)').first()).toBeVisible();
  await expect(page.getByText('Trash is empty')).toBeVisible();
});

test('WebDAV accounts page', async () => {
  await page.getByRole('link', { name: 'WebDAV', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'WebDAV' })).toBeVisible();
  await expect(page.getByLabel('WebDAV Endpoint')).toHaveValue(/\/webdav\/$/);
  await expect(page.getByText('No WebDAV accounts')).toBeVisible();
  await page.getByRole('button', { name: 'Create WebDAV Account' }).click();
  const dlg = page.getByRole('dialog', { name: 'Create WebDAV Account' });
  await dlg.getByLabel('Username', { exact: true }).fill(`dav${RUN}`.slice(0, 16));
  await dlg.getByLabel('Password', { exact: true }).fill('dav-password-1');
  await dlg.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByText('WebDAV account created').first()).toBeVisible();
  const creds = page.getByRole('dialog', { name: 'Latest Credentials' });
  await expect(creds.getByRole('textbox')).toHaveCount(2);
  await expect(creds.getByRole('textbox').nth(1)).toHaveValue('dav-password-1');
  await creds.getByRole('button', { name: 'Test Connection' }).click();
  await expect(creds.getByText('Connection successful').first()).toBeVisible();
  await creds.getByRole('button', { name: 'Close', exact: true }).click();
  const r = page.getByRole('row').filter({ hasText: `dav${RUN}`.slice(0, 16) });
  await expect(r).toContainText('Active');
  for (const col of ['Username', 'Access Scope', 'Status']) await expect(page.getByRole('columnheader', { name: col })).toBeVisible();
});

test('admin pages', async () => {
  await page.goto('/admin/settings/auth');
  const prompt = page.getByRole('alertdialog', { name: 'Current site URL does not match the system config' });
  await prompt.getByRole('button', { name: 'Update site URL' }).click();
  await expect(page.getByText('Settings saved').first()).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: 'Settings' })).toBeVisible();
  const sw = page.locator('#auth_cookie_secure');
  await expect(sw).toHaveAttribute('role', 'switch');
  await expect(sw).toHaveAttribute('aria-checked', 'false');
  await sw.click();
  await page.locator('[data-testid="settings-save-bar"]').getByRole('button', { name: 'Save Changes' }).click();
  await expect(page.getByText('Settings saved').first()).toBeVisible();
  await expect(sw).toHaveAttribute('aria-checked', 'true');
  await page.goto('/admin/settings/webdav');
  await expect(page.locator('#webdav_enabled')).toHaveAttribute('aria-checked', 'true');
  await page.goto('/admin/settings/user');
  await expect(page.locator('#auth_allow_user_registration')).toBeVisible();

  await page.goto('/admin/audit');
  await expect(page.getByRole('heading', { level: 2, name: 'Audit Log' })).toBeVisible();
  for (const col of ['Action', 'User', 'Entity', 'Name']) await expect(page.getByRole('columnheader', { name: col })).toBeVisible();
  await expect(page.getByRole('cell', { name: 'Created share' }).first()).toBeVisible();
  await page.goto('/admin/tasks');
  await expect(page.getByRole('heading', { level: 2, name: 'Tasks' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Run system task cleanup' })).toContainText('Completed');
  await page.goto('/admin/locks');
  await expect(page.getByRole('heading', { level: 2, name: 'WebDAV Locks' })).toBeVisible();
  await page.goto('/admin');
  await expect(page).toHaveURL(/\/admin\/overview$/);
  await expect(page.getByRole('heading', { level: 2, name: 'Overview' })).toBeVisible();
  await page.goto('/no-such-page');
  await expect(page).toHaveURL(/\/$/);
});

test('share URL uses the configured public site URL', async () => {
  await expect(page.getByRole('region', { name: 'File drop zone' })).toBeVisible();
  await row(page, files.pdf.name).getByRole('button', { name: 'More actions' }).click();
  await page.getByRole('menuitem', { name: 'Share', exact: true }).click();
  const dlg = page.getByRole('dialog', { name: `Share "${files.pdf.name}"` });
  await dlg.getByRole('button', { name: 'Create link' }).click();
  const url = await dlg.locator('[data-testid="share-primary-url"]').inputValue();
  expect(url.startsWith(new URL(page.url()).origin)).toBe(true);
  await dlg.getByRole('button', { name: 'Done' }).click();
});

test('office file opens through the WOPI chooser', async () => {
  const name = `report-${RUN}.docx`;
  await page
    .locator('[data-testid="upload-file-input"]')
    .setInputFiles({ name, mimeType: 'application/octet-stream', buffer: Buffer.from('PK\u0003\u0004 fake docx') });
  await expect(row(page, name)).toBeVisible({ timeout: 30_000 });
  await row(page, name).click();
  const chooser = page.getByRole('dialog', { name: 'Choose how to open this file' });
  await expect(chooser.getByRole('button', { name: 'Microsoft Viewer' })).toBeVisible();
  await chooser.getByRole('button', { name: 'Fake Office' }).click();
  const dlg = page.getByRole('dialog', { name });
  await expect(dlg.locator('iframe[title="Fake Office"]')).toBeVisible();
  await expect(dlg.frameLocator('iframe[title="Fake Office"]').getByText('Fake Office editor')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dlg).toHaveCount(0);
});

test('first-run setup on an empty instance', async ({ browser, baseURL }) => {
  const emptyBase = baseURL!.replace(/:(\d+)$/, (_, port) => `:${Number(port) + 1}`);
  const { ctx: c2, page: p } = await newPage(browser);
  try {
    await p.goto(`${emptyBase}/folder/1`);
    await expect(p).toHaveURL(/\/login$/);
    await expect(p.getByRole('heading', { name: 'Welcome to AsterDrive' })).toBeVisible();
    const submit = p.getByRole('button', { name: 'Create Admin Account' });
    await expect(submit).toBeDisabled();
    await p.locator('#identifier').fill('admin@example.com');
    await expect(p.getByLabel('Username')).toHaveAttribute('id', 'extra');
    await p.locator('#extra').fill('admin');
    await p.locator('#password').fill(PASSWORD);
    await submit.click();
    await expect(p.getByText('Welcome back!').first()).toBeVisible();
    await expect(p).toHaveURL(/\/setup\/storage$/);
    await expect(p.getByRole('heading', { level: 1, name: "Configure AsterDrive's first reliable storage" })).toBeVisible();
    await p.goto(`${emptyBase}/trash`);
    await expect(p).toHaveURL(/\/setup\/storage$/);
    await p.getByRole('button', { name: 'Start storage setup' }).click();
    const wizard = p.getByRole('dialog', { name: "Configure AsterDrive's first reliable storage" });
    await wizard
      .locator('[data-testid="storage-driver-options"]')
      .getByRole('button', { name: /^Local\b/ })
      .click();
    await wizard.locator('#name').fill('System Storage');
    await wizard.locator('#base_path').fill('./data');
    await wizard.getByRole('button', { name: 'Test Connection' }).click();
    await expect(p.getByText('Connection successful').first()).toBeVisible();
    await wizard.getByRole('button', { name: 'Review', exact: true }).click();
    await wizard.getByRole('button', { name: 'Create' }).click();
    await expect(p.getByText('Policy created').first()).toBeVisible();
    await expect(p).toHaveURL(new RegExp(`^${emptyBase}/$`));
    await expect(p.getByRole('region', { name: 'File drop zone' })).toBeVisible();
  } finally {
    await c2.close();
  }
});
