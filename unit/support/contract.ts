/**
 * The recorded contract (issue 11): condensing the suite's recorded exchanges
 * (helpers/clients/api/contract-hook.ts) into per-endpoint facts, capturing the panel's screens as
 * normalised aria snapshots, and comparing a stand-in recording with the real one.
 * Used by scripts/record-contract.ts (records the real binary) and unit/contract-replay.test.ts.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Locator, Page } from '@playwright/test';
import { z } from 'zod';
import { AsterClient, type Credentials } from '../../helpers/clients/api/aster.js';
import { type ContractLine, type CookieFact, mergeShapes, type Shape, splitShape } from '../../helpers/clients/api/contract-hook.js';
import { makePng } from '../../helpers/clients/files/generate.js';
import { removeWorkdir, startManagedTarget } from '../../helpers/harness/target/managed.js';
import { bootstrapFresh, generatedPassword } from '../../helpers/harness/target/provision.js';

export const CONTRACT_ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../standin/contract');
export const CONTRACT_NAME = 'asterdrive-0.5.0';

// ---------------------------------------------------------------- API: condensing

export interface Answer {
  count: number;
  headers: Record<string, string[]>;
  cookies: CookieFact[];
  body: string[];
  shape?: Shape;
}

export interface Endpoint {
  endpoint: string;
  requests: number;
  auth: string[];
  query: string[];
  request?: Shape;
  answers: Record<string, Answer>;
}

function addSorted(list: string[], v: string): string[] {
  return list.includes(v) ? list : [...list, v].sort();
}

export function readLines(file: string): ContractLine[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as ContractLine);
}

/** One entry per `METHOD /path/template`; answers keyed by status, shapes merged over all answers. */
export function condense(lines: ContractLine[]): Map<string, Endpoint> {
  const out = new Map<string, Endpoint>();
  for (const l of lines) {
    const key = `${l.method} ${l.path}`;
    const e = out.get(key) ?? { endpoint: key, requests: 0, auth: [], query: [], answers: {} };
    e.requests += 1;
    e.auth = addSorted(e.auth, l.auth);
    for (const q of l.query) e.query = addSorted(e.query, q);
    if (l.request !== undefined) e.request = e.request === undefined ? l.request : mergeShapes(e.request, l.request);
    const a = e.answers[l.status] ?? { count: 0, headers: {}, cookies: [], body: [] };
    a.count += 1;
    for (const [h, v] of Object.entries(l.headers)) a.headers[h] = addSorted(a.headers[h] ?? [], v);
    for (const c of l.cookies) {
      const sig = JSON.stringify(c);
      if (!a.cookies.some((x) => JSON.stringify(x) === sig)) a.cookies = [...a.cookies, c].sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)));
    }
    a.body = addSorted(a.body, l.body);
    if (l.shape !== undefined) a.shape = a.shape === undefined ? l.shape : mergeShapes(a.shape, l.shape);
    e.answers[l.status] = a;
    out.set(key, e);
  }
  return new Map([...out].sort(([a], [b]) => a.localeCompare(b)));
}

export function endpointFile(key: string): string {
  return `${key
    .replace(/[{}]/g, '')
    .replace(/[^A-Za-z0-9_-]+/g, '_')
    .replace(/_+$/, '')}.json`;
}

export function writeEndpoints(dir: string, endpoints: Map<string, Endpoint>): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [key, e] of endpoints) writeFileSync(path.join(dir, endpointFile(key)), `${JSON.stringify(e, null, 2)}\n`);
}

export function readEndpoints(dir: string): Map<string, Endpoint> {
  const out = new Map<string, Endpoint>();
  if (!existsSync(dir)) return out;
  for (const f of readdirSync(dir)
    .filter((n) => n.endsWith('.json'))
    .sort()) {
    const e = JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as Endpoint;
    out.set(e.endpoint, e);
  }
  return out;
}

// ---------------------------------------------------------------- API: comparing

/** Differences of one shape against the recorded one: missing or extra fields, types, nullability. */
export function compareShapes(real: Shape, stand: Shape, at: string, out: string[]): void {
  const r = splitShape(real);
  const s = splitShape(stand);
  const nonNull = (p: Set<string>) => [...p].filter((x) => x !== 'null');
  // Envelope codes: "=success" is a value of the interface, compared as such.
  const codes = (p: Set<string>) => new Set([...p].filter((x) => x.startsWith('=')).flatMap((x) => x.slice(1).split(',')));
  const rc = codes(r.prim);
  for (const c of codes(s.prim))
    if (rc.size > 0 && !rc.has(c)) out.push(`${at}: code "${c}" where the real server answers ${[...rc].map((x) => `"${x}"`).join(', ')}`);
  const kind = (p: ReturnType<typeof splitShape>) =>
    new Set([...nonNull(p.prim).map((x) => (x.startsWith('=') ? 'string' : x)), ...(p.obj ? ['object'] : []), ...(p.arr ? ['array'] : [])]);
  const rk = kind(r);
  const sk = kind(s);
  for (const k of sk) if (!rk.has(k) && rk.size > 0) out.push(`${at}: ${k} where the real server has ${[...rk].join('|')}`);
  if (s.prim.has('null') && !r.prim.has('null') && rk.size > 0) out.push(`${at}: null where the real server never answers null`);
  if (rk.size > 0 && sk.size === 0 && !r.prim.has('null') && s.prim.has('null')) out.push(`${at}: always null, the real server has ${[...rk].join('|')}`);
  if (r.obj && s.obj) {
    const fields = (o: Record<string, Shape>) => new Map(Object.entries(o).map(([k, v]) => [k.replace(/\?$/, ''), { v, optional: k.endsWith('?') }]));
    const rf = fields(r.obj);
    const sf = fields(s.obj);
    for (const [k, x] of rf) {
      const y = sf.get(k);
      if (!y) {
        out.push(`${at}.${k}: missing (the real server ${x.optional ? 'sometimes sends' : 'always sends'} it)`);
        continue;
      }
      if (y.optional && !x.optional) out.push(`${at}.${k}: only sometimes present (the real server always sends it)`);
      compareShapes(x.v, y.v, `${at}.${k}`, out);
    }
    for (const k of sf.keys()) if (!rf.has(k)) out.push(`${at}.${k}: extra field the real server never sends`);
  }
  if (r.arr && s.arr && r.arr.length > 0 && s.arr.length > 0) compareShapes(r.arr[0], s.arr[0], `${at}[]`, out);
}

export function compareEndpoints(real: Map<string, Endpoint>, stand: Map<string, Endpoint>): string[] {
  const out: string[] = [];
  for (const [key, r] of real) {
    const s = stand.get(key);
    if (!s) {
      out.push(`${key}: not requested in the stand-in run`);
      continue;
    }
    // A DELETE answered 404 is a clean-up finding its object already gone: timing, not interface.
    const statuses = (e: Endpoint) => Object.keys(e.answers).filter((st) => !(e.endpoint.startsWith('DELETE ') && st === '404'));
    const rs = statuses(r);
    const ss = statuses(s);
    for (const st of ss) if (!rs.includes(st)) out.push(`${key}: status ${st} where the real server answered ${rs.join('/')}`);
    for (const st of rs) if (!ss.includes(st)) out.push(`${key}: never ${st} in the stand-in run (it answered ${ss.join('/')})`);
    for (const st of rs.filter((x) => ss.includes(x))) {
      const ra = r.answers[st];
      const sa = s.answers[st];
      const at = `${key} ${st}`;
      for (const b of sa.body) if (!ra.body.includes(b)) out.push(`${at}: body ${b} where the real server sends ${ra.body.join('/')}`);
      for (const h of ['content-type', 'content-disposition', 'location', 'www-authenticate', 'accept-ranges']) {
        const rv = ra.headers[h]?.join('/');
        const sv = sa.headers[h]?.join('/');
        if (rv !== sv) out.push(`${at}: header ${h} ${sv ?? 'absent'}, the real server ${rv ?? 'absent'}`);
      }
      const cookies = (a: Answer) => new Set(a.cookies.map((c) => `${c.name} ${JSON.stringify(Object.fromEntries(Object.entries(c.attributes).sort()))}`));
      const rc = cookies(ra);
      const sc = cookies(sa);
      for (const c of sc) if (!rc.has(c)) out.push(`${at}: Set-Cookie ${c}, not so on the real server`);
      for (const c of rc) if (!sc.has(c)) out.push(`${at}: no Set-Cookie ${c} (the real server sets it)`);
      if (ra.shape !== undefined && sa.shape !== undefined) compareShapes(ra.shape, sa.shape, `${at} body`, out);
    }
  }
  return out;
}

// ---------------------------------------------------------------- screens: capturing

/** The panel's client-side preferences, seeded as the suite's fixtures do (list view, single click, English). */
const PREFERENCES = `try {
  localStorage.setItem('aster-language', 'en');
  localStorage.setItem('aster-view-mode', 'list');
  localStorage.setItem('aster-browser-open-mode', 'single_click');
} catch {}`;

export interface ScreenData {
  baseURL: string;
  admin: Credentials;
  user: Credentials;
  folder: { id: number; name: string };
  notes: string;
  image: string;
  upload: string;
  trashed: string;
  shareToken: string;
  /** Strings that vary from run to run, replaced by placeholders in the snapshots. */
  volatile: [string, string][];
}

/** A fresh target, provisioned like an operator would, with the data the screens show. */
export async function provisionScreens(baseURL: string, admin: Credentials, user: Credentials, runId: string): Promise<ScreenData> {
  const a = await bootstrapFresh(baseURL, admin, `${admin.identifier}@launch.test`);
  await a.call('POST', '/api/v1/admin/users', z.unknown(), {
    json: { username: user.identifier, email: `${user.identifier}@launch.test`, password: user.password },
  });
  const u = await AsterClient.signIn(baseURL, user);
  const folderName = `lt-${runId}-work`;
  const folder = await u.createFolder(folderName);
  const notes = `lt-${runId}-notes.txt`;
  const image = `lt-${runId}-image.png`;
  const trashed = `lt-${runId}-old.txt`;
  const shared = `lt-${runId}-shared.txt`;
  await u.uploadBytes(notes, Buffer.from(`contract ${runId}\n`), folder.id, 'text/plain');
  const sh = await u.uploadBytes(shared, Buffer.from(`shared ${runId}\n`), folder.id, 'text/plain');
  await u.uploadBytes(image, await makePng('contract'), folder.id, 'image/png');
  const t = await u.uploadBytes(trashed, Buffer.from('old\n'), folder.id, 'text/plain');
  await u.deleteFile(t.id);
  const share = await u.createShare({ type: 'file', id: sh.id });
  const upload = `lt-${runId}-upload.txt`;
  return {
    baseURL,
    admin,
    user,
    folder: { id: folder.id, name: folderName },
    notes,
    image,
    upload,
    trashed,
    shareToken: share.token,
    volatile: [
      [notes, '{file}'],
      [image, '{image}'],
      [upload, '{upload}'],
      [trashed, '{trashed}'],
      [shared, '{shared}'],
      [folderName, '{folder}'],
      [`${admin.identifier}@launch.test`, '{email}'],
      [`${user.identifier}@launch.test`, '{email}'],
      [share.token, '{token}'],
      [admin.identifier, '{admin}'],
      [user.identifier, '{user}'],
      [baseURL, '{origin}'],
    ],
  };
}

export interface Screen {
  /** The normalised aria snapshot (YAML), or absent when the screen could not be reached. */
  yaml?: string;
  error?: string;
}

export const SCREENS = [
  'sign-in',
  'file-list',
  'upload-menu',
  'upload-activity',
  'row-menu',
  'preview-dialog',
  'share-dialog',
  'share-dialog-created',
  'share-page',
  'trash',
  'admin-tasks',
  'admin-audit',
] as const;
export type ScreenName = (typeof SCREENS)[number];

/**
 * (role, name) pairs the page objects (pages/*.ts) use, per screen, in normalised form: the replay
 * requires each in the stand-in's screen whenever the real panel's screen has it.
 */
export const PAGE_OBJECT_ANCHORS: Record<ScreenName, string[]> = {
  'sign-in': ['heading "Sign in to your account"', 'textbox "Email or username"', 'button "Sign In"'],
  'file-list': ['region "File drop zone"', 'button "More actions"', 'button "{user}"'],
  'upload-menu': ['menuitem "Upload File"'],
  'upload-activity': [],
  'row-menu': ['menuitem "Share"', 'menuitem "Delete"'],
  'preview-dialog': ['heading "{image}"', 'img "{image}"', 'button "Close"'],
  'share-dialog': ['dialog "Share \\"{file}\\""', 'textbox "Password (optional)"', 'button "Create link"'],
  'share-dialog-created': ['button "Done"'],
  'share-page': ['heading "{shared}"', 'button "Download"'],
  trash: ['heading "Trash"'],
  'admin-tasks': [],
  'admin-audit': [],
};

const WAIT = 15_000;

async function snap(screens: Record<string, Screen>, name: ScreenName, data: ScreenData, run: () => Promise<Locator>): Promise<void> {
  try {
    const loc = await run();
    screens[name] = { yaml: normaliseAria(await loc.ariaSnapshot({ timeout: WAIT }), data.volatile) };
  } catch (e) {
    screens[name] = { error: (e as Error).message.split('\n')[0].slice(0, 300) };
  }
}

async function signInThroughPanel(page: Page, baseURL: string, creds: Credentials): Promise<void> {
  await page.goto(`${baseURL}/login`);
  await page.getByLabel('Email or username').fill(creds.identifier, { timeout: WAIT });
  await page.locator('#password').fill(creds.password, { timeout: WAIT });
  await page.getByRole('button', { name: 'Sign In', exact: true }).click({ timeout: WAIT });
  await page.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: 30_000 });
}

/** Settled: no request for half a second (the panel fetches after navigation). */
async function settle(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle', { timeout: WAIT }).catch(() => undefined);
}

/**
 * Drives the panel through the screens the page objects use and returns their normalised aria
 * snapshots. Each screen is independent: one that cannot be reached is recorded with its error.
 */
export async function captureScreens(browser: Browser, data: ScreenData): Promise<Record<string, Screen>> {
  const screens: Record<string, Screen> = {};
  const { baseURL } = data;
  const ctx = await browser.newContext({ locale: 'en-US', viewport: { width: 1440, height: 960 } });
  await ctx.addInitScript(PREFERENCES);
  const page = await ctx.newPage();
  await snap(screens, 'sign-in', data, async () => {
    await page.goto(`${baseURL}/login`);
    await page.getByRole('heading').first().waitFor({ timeout: WAIT });
    await settle(page);
    return page.locator('body');
  });
  await signInThroughPanel(page, baseURL, data.user).catch(() => undefined);
  const zone = page.getByRole('region', { name: 'File drop zone' });
  await snap(screens, 'file-list', data, async () => {
    await page.goto(`${baseURL}/folder/${data.folder.id}`);
    await page.getByTitle(data.notes, { exact: true }).first().waitFor({ timeout: WAIT });
    await settle(page);
    return page.locator('body');
  });
  await snap(screens, 'upload-menu', data, async () => {
    const box = await zone.boundingBox({ timeout: WAIT });
    if (!box) throw new Error('the file drop zone has no size');
    await zone.click({ button: 'right', position: { x: box.width - 12, y: box.height - 12 } });
    const menu = page.getByRole('menu').last();
    await menu.waitFor({ timeout: WAIT });
    return menu;
  });
  await snap(screens, 'upload-activity', data, async () => {
    const chooser = page.waitForEvent('filechooser', { timeout: WAIT });
    await page.getByRole('menuitem', { name: 'Upload File' }).click({ timeout: WAIT });
    await (await chooser).setFiles({ name: data.upload, mimeType: 'text/plain', buffer: Buffer.from('uploaded\n') });
    const shell = page.getByTestId('bottom-right-activity-shell');
    await shell.getByText('Upload complete').first().waitFor({ timeout: 30_000 });
    return shell;
  });
  await page.keyboard.press('Escape').catch(() => undefined);
  const row = (name: string) => page.getByRole('row').filter({ has: page.getByTitle(name, { exact: true }) });
  await snap(screens, 'row-menu', data, async () => {
    await page.goto(`${baseURL}/folder/${data.folder.id}`);
    await row(data.notes).getByRole('button', { name: 'More actions' }).click({ timeout: WAIT });
    const menu = page.getByRole('menu').last();
    await menu.waitFor({ timeout: WAIT });
    return menu;
  });
  await page.keyboard.press('Escape').catch(() => undefined);
  await snap(screens, 'preview-dialog', data, async () => {
    await page.goto(`${baseURL}/folder/${data.folder.id}`);
    await row(data.image).getByTitle(data.image, { exact: true }).click({ timeout: WAIT });
    // Named by its level-2 heading, not an accessible name (the real panel gives it none).
    const dialog = page.getByRole('dialog').filter({ has: page.getByRole('heading', { level: 2, name: data.image, exact: true }) });
    await dialog.waitFor({ timeout: WAIT });
    await dialog
      .getByRole('img', { name: data.image })
      .waitFor({ timeout: WAIT })
      .catch(() => undefined);
    return dialog;
  });
  await page.keyboard.press('Escape').catch(() => undefined);
  const shareDialog = page.getByRole('dialog', { name: `Share "${data.notes}"` });
  await snap(screens, 'share-dialog', data, async () => {
    await page.goto(`${baseURL}/folder/${data.folder.id}`);
    await row(data.notes).getByRole('button', { name: 'More actions' }).click({ timeout: WAIT });
    await page.getByRole('menuitem', { name: 'Share', exact: true }).click({ timeout: WAIT });
    await shareDialog.waitFor({ timeout: WAIT });
    await settle(page);
    return shareDialog;
  });
  await snap(screens, 'share-dialog-created', data, async () => {
    await shareDialog.getByRole('button', { name: 'Create link' }).click({ timeout: WAIT });
    await shareDialog.getByRole('button', { name: 'Done' }).waitFor({ timeout: WAIT });
    return shareDialog;
  });
  await snap(screens, 'trash', data, async () => {
    await page.goto(`${baseURL}/trash`);
    await page.getByText(data.trashed).first().waitFor({ timeout: WAIT });
    await settle(page);
    return page.locator('body');
  });
  await ctx.close();

  const anon = await browser.newContext({ locale: 'en-US', viewport: { width: 1440, height: 960 } });
  await anon.addInitScript(PREFERENCES);
  const visitor = await anon.newPage();
  await snap(screens, 'share-page', data, async () => {
    await visitor.goto(`${baseURL}/s/${data.shareToken}`);
    await visitor.getByRole('heading', { level: 1 }).first().waitFor({ timeout: WAIT });
    await settle(visitor);
    return visitor.locator('body');
  });
  await anon.close();

  const adminCtx = await browser.newContext({ locale: 'en-US', viewport: { width: 1440, height: 960 } });
  await adminCtx.addInitScript(PREFERENCES);
  const adminPage = await adminCtx.newPage();
  await signInThroughPanel(adminPage, baseURL, data.admin).catch(() => undefined);
  for (const [name, route] of [
    ['admin-tasks', '/admin/tasks'],
    ['admin-audit', '/admin/audit'],
  ] as const) {
    await snap(screens, name, data, async () => {
      await adminPage.goto(`${baseURL}${route}`);
      await adminPage.getByRole('heading').first().waitFor({ timeout: WAIT });
      await settle(adminPage);
      return adminPage.locator('body');
    });
  }
  await adminCtx.close();
  return screens;
}

// ---------------------------------------------------------------- screens: normalising, comparing

const MONTHS = 'Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec';

/** Volatile parts of a name or text: the run's names, URLs, tokens, dates, times, sizes, counts. */
export function normaliseText(text: string, volatile: [string, string][]): string {
  let t = text;
  for (const [v, p] of volatile) if (v) t = t.split(v).join(p);
  t = t
    .replace(/\bhttps?:\/\/[^\s"']+/g, '{url}')
    .replace(/\b[A-Za-z0-9_-]{16,}\b/g, (m) => (/\d/.test(m) && /[A-Za-z]/.test(m) ? '{token}' : m))
    .replace(/\b\d{4}-\d{2}-\d{2}([T ][\d:.]+Z?)?/g, '{date}')
    .replace(new RegExp(`\\b(${MONTHS})[a-z]* \\d{1,2}, \\d{4}`, 'g'), '{date}')
    .replace(/\b\d{1,2}\/\d{1,2}\/\d{2,4}/g, '{date}')
    .replace(/\b\d{1,2}:\d{2}(:\d{2})?( ?[AP]M)?/g, '{time}')
    .replace(/\b\d+(\.\d+)? ?(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB|bytes)\b/g, '{size}')
    .replace(/\b\d+(\.\d+)?\b/g, '{n}');
  return t.length > 80 ? '{text}' : t;
}

/** Quoted names and inline texts of an aria snapshot, normalised; attributes and roles stay. */
export function normaliseAria(yaml: string, volatile: [string, string][]): string {
  const out: string[] = [];
  for (const line of yaml.split('\n')) {
    const m = line.match(/^(\s*)- (.*)$/);
    if (!m) {
      // Continuation of a multi-line text: dropped (long texts are no interface fact).
      continue;
    }
    const [, indent, quoted] = m;
    // A key YAML had to quote (`- 'row "a {{b}}"':`) is read as the plain key it stands for.
    const q = quoted.match(/^'((?:[^']|'')*)'(:.*)?$/);
    const rest = q ? `${q[1].replace(/''/g, "'")}${q[2] ?? ''}` : quoted;
    const prop = rest.match(/^\/([a-z]+): (.*)$/);
    if (prop) {
      const v = prop[1] === 'url' ? unquote(prop[2]).replace(/\/\d+/g, '/{id}') : unquote(prop[2]);
      out.push(`${indent}- /${prop[1]}: ${JSON.stringify(normaliseText(v, volatile))}`);
      continue;
    }
    const named = rest.match(/^([a-z]+) "((?:[^"\\]|\\.)*)"(.*)$/);
    if (named) {
      const [, role, raw, tail] = named;
      let name = raw;
      try {
        name = JSON.parse(`"${raw}"`) as string;
      } catch {
        /* keep */
      }
      out.push(`${indent}- ${role} ${JSON.stringify(normaliseText(name, volatile))}${normaliseTail(tail, volatile)}`);
      continue;
    }
    const inline = rest.match(/^([a-z]+)(\s\[[^\]]*\])*: (.*)$/);
    if (inline) {
      const attrs = rest.slice(inline[1].length, rest.length - inline[3].length - 2);
      out.push(`${indent}- ${inline[1]}${attrs}: ${JSON.stringify(normaliseText(unquote(inline[3]), volatile))}`);
      continue;
    }
    out.push(`${indent}- ${rest}`);
  }
  return `${out.join('\n')}\n`;
}

function unquote(v: string): string {
  const t = v.trim();
  if (t.startsWith('"') && t.endsWith('"')) {
    try {
      return JSON.parse(t) as string;
    } catch {
      return t;
    }
  }
  return t;
}

function normaliseTail(tail: string, volatile: [string, string][]): string {
  // ` [level=1]:` or `: value` (a textbox's value).
  const m = tail.match(/^((?:\s\[[^\]]*\])*)(:?)(?: (.*))?$/);
  if (!m) return tail;
  const [, attrs, colon, value] = m;
  return `${attrs}${colon}${value !== undefined ? ` ${JSON.stringify(normaliseText(unquote(value), volatile))}` : ''}`;
}

/** Roles that carry the panel's structure: landmarks, dialogs, controls, headings. */
const ANCHOR_ROLES = new Set([
  'banner',
  'button',
  'checkbox',
  'columnheader',
  'combobox',
  'dialog',
  'alertdialog',
  'heading',
  'img',
  'link',
  'main',
  'menu',
  'menuitem',
  'menuitemcheckbox',
  'navigation',
  'radio',
  'region',
  'searchbox',
  'switch',
  'tab',
  'tablist',
  'table',
  'grid',
  'textbox',
  'spinbutton',
]);

/** The (role, name) pairs of a normalised snapshot, e.g. `button "Create link"`. */
export function anchors(yaml: string): Set<string> {
  const out = new Set<string>();
  for (const line of yaml.split('\n')) {
    const m = line.match(/^\s*- ([a-z]+)(?: ("(?:[^"\\]|\\.)*"))?/);
    if (!m || !ANCHOR_ROLES.has(m[1])) continue;
    // An unnamed icon, button or link says nothing a test could find it by.
    if (!m[2] && ['img', 'button', 'link', 'textbox', 'combobox', 'checkbox'].includes(m[1])) continue;
    out.add(m[2] ? `${m[1]} ${m[2]}` : m[1]);
  }
  return out;
}

export function compareScreens(real: Record<string, Screen>, stand: Record<string, Screen>): { differences: string[]; pageObject: string[] } {
  const differences: string[] = [];
  const pageObject: string[] = [];
  for (const [name, r] of Object.entries(real)) {
    if (!r.yaml) continue;
    const s = stand[name];
    if (!s?.yaml) {
      differences.push(`screen ${name}: not reached on the stand-in (${s?.error ?? 'not captured'})`);
      continue;
    }
    const ra = anchors(r.yaml);
    const sa = anchors(s.yaml);
    for (const a of ra) if (!sa.has(a)) differences.push(`screen ${name}: no ${a} on the stand-in`);
    for (const a of sa) if (!ra.has(a)) differences.push(`screen ${name}: ${a} on the stand-in, not on the real panel`);
    for (const a of PAGE_OBJECT_ANCHORS[name as ScreenName] ?? []) if (ra.has(a) && !sa.has(a)) pageObject.push(`screen ${name}: no ${a} on the stand-in`);
  }
  return { differences, pageObject };
}

export function writeScreens(dir: string, screens: Record<string, Screen>): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const errors: Record<string, string> = {};
  for (const [name, s] of Object.entries(screens)) {
    if (s.yaml) writeFileSync(path.join(dir, `${name}.aria.yml`), s.yaml);
    else errors[name] = s.error ?? 'not captured';
  }
  if (Object.keys(errors).length) writeFileSync(path.join(dir, 'unreached.json'), `${JSON.stringify(errors, null, 2)}\n`);
}

export function readScreens(dir: string): Record<string, Screen> {
  const out: Record<string, Screen> = {};
  if (!existsSync(dir)) return out;
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.aria.yml')))
    out[f.replace(/\.aria\.yml$/, '')] = { yaml: readFileSync(path.join(dir, f), 'utf8') };
  const unreached = path.join(dir, 'unreached.json');
  if (existsSync(unreached)) for (const [k, v] of Object.entries(JSON.parse(readFileSync(unreached, 'utf8')) as Record<string, string>)) out[k] = { error: v };
  return out;
}

// ---------------------------------------------------------------- running a recording

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

/**
 * Runs the launch suite's `api` project (with its setup) against a managed target, the real binary
 * or the stand-in, with the recording hook on; returns the recorded lines. The run's verdict is not
 * looked at: the contract is what was asked and answered.
 */
export async function recordSuite(opts: { binary?: string; dir: string; without?: string; log?: (s: string) => void }): Promise<ContractLine[]> {
  mkdirSync(opts.dir, { recursive: true });
  const file = path.join(opts.dir, 'exchanges.jsonl');
  rmSync(file, { force: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ASTER_ENV_FILE: '/nonexistent',
    ASTER_RUN_CONTRACT_RECORD: file,
    ASTER_REPORTS_DIR: path.join(opts.dir, 'reports'),
    PLAYWRIGHT_HTML_OUTPUT_DIR: path.join(opts.dir, 'html'),
    ASTER_JSON_REPORT: '',
    PLAYWRIGHT_JSON_OUTPUT_NAME: '',
    NODE_NO_WARNINGS: '1',
    // The run's secrets (passwords, tokens) are kept, to prove the recording holds none of them.
    ASTER_SECRETS_DIR: path.join(opts.dir, 'secrets'),
    ASTER_SECRETS_DIR_KEEP: '1',
  };
  for (const k of ['ASTER_BASE_URL', 'ASTER_DRIVE_BIN', 'ASTER_WITHOUT', 'ASTER_FAULT', 'ASTER_PROXY_FAULTS', 'CI']) delete env[k];
  if (opts.binary) env.ASTER_DRIVE_BIN = opts.binary;
  if (opts.without) env.ASTER_WITHOUT = opts.without;
  await new Promise<void>((resolve, reject) => {
    const child = spawn('npx', ['playwright', 'test', '--project', 'api', '--workers', '2', '--output', path.join(opts.dir, 'results')], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let tail = '';
    const onData = (b: Buffer) => {
      tail = (tail + b.toString()).slice(-4000);
      opts.log?.(b.toString());
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', reject);
    // 0 GO, 1 NO-GO, 3 INCOMPLETE: all recorded; 2 is "the suite could not run".
    child.once('exit', (code) => (code === 2 ? reject(new Error(`the suite could not run (exit 2):\n${tail}`)) : resolve()));
  });
  assertNoSecrets(file, path.join(opts.dir, 'secrets'));
  return readLines(file);
}

/** Fails when a recording holds any secret the run registered, or anything shaped like a token. */
export function assertNoSecrets(file: string, secretsDir: string): void {
  if (!existsSync(file)) return;
  const text = readFileSync(file, 'utf8');
  const secrets = existsSync(secretsDir)
    ? readdirSync(secretsDir)
        .filter((f) => f.endsWith('.txt'))
        .flatMap((f) => readFileSync(path.join(secretsDir, f), 'utf8').split('\n').filter(Boolean))
        .map((l) => JSON.parse(l) as string)
    : [];
  const leaked = secrets.filter((s) => s.length >= 6 && text.includes(s)).length;
  const shaped = [/eyJ[\w-]{8,}\.[\w-]{8,}/, /\bwopi_[\w-]{8,}/, /\bcv_[\w-]{8,}/, /\bLt-[\w-]{12,}/].filter((re) => re.test(text)).length;
  if (leaked || shaped) throw new Error(`the recording ${file} holds ${leaked} of the run's secrets and ${shaped} token-shaped values; nothing was written`);
}

/** Starts a managed target, provisions the screens' data and captures them; stops the target. */
export async function recordScreens(opts: { binary?: string; browser: Browser }): Promise<Record<string, Screen>> {
  const target = await startManagedTarget({ binary: opts.binary });
  try {
    const runId = `c${Date.now().toString(36)}`;
    const data = await provisionScreens(
      target.baseURL,
      { identifier: 'ctadmin', password: generatedPassword() },
      { identifier: 'ctuser', password: generatedPassword() },
      runId,
    );
    return await captureScreens(opts.browser, data);
  } finally {
    await target.stop();
    removeWorkdir(target.workdir);
  }
}
