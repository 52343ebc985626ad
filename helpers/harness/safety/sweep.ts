/**
 * Finds and removes what launch runs left on a target: namespaced files and folders wherever they
 * ended up (found with the server's search, or by walking every folder when the server has no
 * search), trash entries, shares of namespaced files, WebDAV accounts and test users. One
 * implementation for `npm run cleanup` (one run or every run) and for the run's own teardown
 * (this run only). Names outside the run namespace are never touched.
 */
import { z } from 'zod';
import type { AsterClient } from '../../clients/api/aster.js';
import { ApiError } from '../../clients/api/http.js';
import { runOf } from '../namespace.js';

export type LeftoverKind = 'file' | 'folder' | 'trashed file' | 'trashed folder' | 'share' | 'WebDAV account' | 'user';

export interface Leftover {
  /** The account the thing belongs to (its sign-in name), or `admin` for users. */
  account: string;
  kind: LeftoverKind;
  name: string;
  run: string;
  id: number;
  /** Where it was found: a folder path, "trash", "search" (the server's search tells no path). */
  where: string;
  remove: () => Promise<void>;
}

export interface SweepAccount {
  /** How the report names the account (its sign-in name). */
  label: string;
  client: AsterClient;
}

export interface ScanOptions {
  /** Only this run's data; every run's when absent. */
  run?: string;
  /** The most folders a walk visits per account when the server has no search (default 5000). */
  walkBudget?: number;
}

export interface Scan {
  leftovers: Leftover[];
  /** What the scan could not do completely (a walk that stopped at its budget). */
  incomplete: string[];
}

export interface SweepResult {
  removed: Leftover[];
  /** What a removal refused; still on the target if also in `remaining`. */
  failed: { leftover: Leftover; error: string }[];
  /** What a fresh scan after the removals still finds. */
  remaining: Leftover[];
  incomplete: string[];
}

/** The command that removes a run's leftovers from the deployment in .env. */
export function cleanupCommand(run?: string): string {
  return run ? `npm run cleanup -- --run ${run}` : 'npm run cleanup';
}

// upstream: FolderListItem / FileListItem (src/services/files/folder/models.rs), TrashFileItem / TrashFolderItem
// (src/services/files/trash/models.rs). FolderPage: FolderContents (folder/models.rs; next_file_cursor is Option: null on the
// last page). TrashPage: TrashContents (trash/models.rs, same). SearchPage: SearchResults (src/services/content/search.rs).
// Page: AsterForge OffsetPage; ShareItem: MyShareInfo (src/services/share/models.rs); DavAccount: WebdavAccountInfo
// (src/services/webdav/account.rs).
const ListItem = z.object({ id: z.number(), name: z.string() }).passthrough();
const FolderPage = z
  .object({
    folders: z.array(ListItem),
    files: z.array(ListItem),
    folders_total: z.number().optional(),
    next_file_cursor: z.object({ id: z.number(), value: z.string().optional() }).passthrough().nullable().optional(),
  })
  .passthrough();
const TrashPage = z
  .object({
    folders: z.array(ListItem),
    files: z.array(ListItem),
    folders_total: z.number().optional(),
    next_file_cursor: z.object({ id: z.number(), expires_at: z.string().optional() }).passthrough().nullable().optional(),
  })
  .passthrough();
const SearchPage = z
  .object({ files: z.array(ListItem), folders: z.array(ListItem), total_files: z.number().optional(), total_folders: z.number().optional() })
  .passthrough();
const Page = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), total: z.number().optional() }).passthrough();
const ShareItem = z.object({ id: z.number(), token: z.string(), resource_name: z.string().nullable().optional() }).passthrough();
const DavAccount = z.object({ id: z.number(), username: z.string() }).passthrough();

type Item = z.output<typeof ListItem>;
const PAGE = 1000;

/** Every folder and file directly in a folder (root: null), all pages. */
export async function listAll(client: AsterClient, folderId: number | null): Promise<{ folders: Item[]; files: Item[] }> {
  const p = folderId === null ? '/api/v1/folders' : `/api/v1/folders/${folderId}`;
  const folders: Item[] = [];
  const files: Item[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await client.call('GET', p, FolderPage, { query: { folder_limit: PAGE, folder_offset: offset, file_limit: offset === 0 ? PAGE : 0 } });
    folders.push(...page.folders);
    if (offset === 0) {
      files.push(...page.files);
      let cursor = page.next_file_cursor;
      while (cursor) {
        const next = await client.call('GET', p, FolderPage, {
          query: { folder_limit: 0, file_limit: PAGE, file_after_id: cursor.id, file_after_value: cursor.value },
        });
        files.push(...next.files);
        cursor = next.files.length ? next.next_file_cursor : null;
      }
    }
    if (page.folders.length < PAGE || (page.folders_total !== undefined && folders.length >= page.folders_total)) break;
  }
  return { folders, files };
}

/** Every top-level trash entry, all pages. */
export async function trashAll(client: AsterClient): Promise<{ folders: Item[]; files: Item[] }> {
  const folders: Item[] = [];
  const files: Item[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await client.call('GET', '/api/v1/trash', TrashPage, {
      query: { folder_limit: PAGE, folder_offset: offset, file_limit: offset === 0 ? PAGE : 0 },
    });
    folders.push(...page.folders);
    if (offset === 0) {
      files.push(...page.files);
      let cursor = page.next_file_cursor;
      while (cursor) {
        const next = await client.call('GET', '/api/v1/trash', TrashPage, {
          query: { folder_limit: 0, file_limit: PAGE, file_after_id: cursor.id, file_after_expires_at: cursor.expires_at },
        });
        files.push(...next.files);
        cursor = next.files.length ? next.next_file_cursor : null;
      }
    }
    if (page.folders.length < PAGE || (page.folders_total !== undefined && folders.length >= page.folders_total)) break;
  }
  return { folders, files };
}

async function paged<T extends z.ZodType>(client: AsterClient, p: string, item: T): Promise<z.output<T>[]> {
  const out: z.output<T>[] = [];
  for (let offset = 0; ; offset += 100) {
    const page = await client.call('GET', p, Page(item), { query: { limit: 100, offset } });
    out.push(...page.items);
    if (page.items.length < 100 || (page.total !== undefined && out.length >= page.total)) return out;
  }
}

const unsupported = (e: unknown) => e instanceof ApiError && [404, 405, 501].includes(e.status);
const gone = (e: unknown) => e instanceof ApiError && e.status === 404;

/**
 * Live files and folders whose names match `wanted`, anywhere in the account: the server's name
 * search (`GET /api/v1/search`) when it has one, else a walk of every folder. Matching folders
 * are not descended into: removing one removes what is inside.
 */
export async function findLive(
  client: AsterClient,
  query: string,
  wanted: (name: string) => boolean,
  walkBudget = 5000,
): Promise<{ items: { kind: 'file' | 'folder'; id: number; name: string; where: string }[]; incomplete?: string }> {
  const items: { kind: 'file' | 'folder'; id: number; name: string; where: string }[] = [];
  try {
    for (let offset = 0; ; offset += 100) {
      const page = await client.call('GET', '/api/v1/search', SearchPage, { query: { q: query, type: 'all', limit: 100, offset } });
      for (const f of page.folders) if (wanted(f.name)) items.push({ kind: 'folder', id: f.id, name: f.name, where: 'search' });
      for (const f of page.files) if (wanted(f.name)) items.push({ kind: 'file', id: f.id, name: f.name, where: 'search' });
      const more =
        (page.files.length === 100 && (page.total_files ?? Number.POSITIVE_INFINITY) > offset + 100) ||
        (page.folders.length === 100 && (page.total_folders ?? Number.POSITIVE_INFINITY) > offset + 100);
      if (!more) break;
    }
    return { items: dedupe(items) };
  } catch (e) {
    if (!unsupported(e)) throw e;
    items.length = 0;
  }
  const queue: { id: number | null; path: string }[] = [{ id: null, path: '/' }];
  let visited = 0;
  while (queue.length) {
    if (visited >= walkBudget) return { items, incomplete: `${client.identifier}: the server has no search and the walk stopped after ${visited} folders` };
    const at = queue.shift() as { id: number | null; path: string };
    visited += 1;
    let list: { folders: Item[]; files: Item[] };
    try {
      list = await listAll(client, at.id);
    } catch (e) {
      if (gone(e)) continue; // removed meanwhile
      throw e;
    }
    for (const f of list.files) if (wanted(f.name)) items.push({ kind: 'file', id: f.id, name: f.name, where: at.path });
    for (const f of list.folders) {
      if (wanted(f.name)) items.push({ kind: 'folder', id: f.id, name: f.name, where: at.path });
      else queue.push({ id: f.id, path: `${at.path}${f.name}/` });
    }
  }
  return { items };
}

function dedupe<T extends { kind: string; id: number }>(items: T[]): T[] {
  const seen = new Set<string>();
  return items.filter((i) => !seen.has(`${i.kind}:${i.id}`) && Boolean(seen.add(`${i.kind}:${i.id}`)));
}

/** Deletes a live file or folder and purges its trash entry; a folder deleted by a background task is waited for. */
export async function removeItem(client: AsterClient, kind: 'file' | 'folder', id: number): Promise<void> {
  const del = () => (kind === 'file' ? client.deleteFile(id) : client.deleteFolder(id));
  await del().catch(async (e) => {
    if (gone(e)) return;
    if (!(e instanceof ApiError && e.status === 423)) throw e;
    // A check that failed while it held a lock on its own file: release the lock, then delete.
    await client.call('POST', `/api/v1/${kind}s/${id}/lock`, z.unknown(), { json: { locked: false } });
    await del().catch((again) => {
      if (!gone(again)) throw again;
    });
  });
  await purgeItem(client, kind, id);
}

/** Purges a trash entry; a 404 means it is not in the trash (purged already, or never trashed). */
export async function purgeItem(client: AsterClient, kind: 'file' | 'folder', id: number): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await client.purge(kind, id);
      return;
    } catch (e) {
      if (gone(e)) return;
      const transient = e instanceof ApiError && (e.status === 409 || e.status === 423 || e.status >= 500);
      if (!transient || attempt >= 3) throw e;
      await sleep(1000 * (attempt + 1));
    }
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Removes every file and folder of the account with exactly this name (live: in `folderId` when
 * given and found there, else anywhere; and in the trash), and the account's shares of it.
 * Returns what it removed; throws what the server refused.
 */
export async function removeByName(client: AsterClient, name: string, folderId?: number | null): Promise<string[]> {
  const removed: string[] = [];
  for (const s of await paged(client, '/api/v1/shares', ShareItem)) {
    if (s.resource_name !== name) continue;
    await client.deleteShare(s.id).catch((e) => {
      if (!gone(e)) throw e;
    });
    removed.push(`share ${s.id}`);
  }
  let live: { kind: 'file' | 'folder'; id: number }[] = [];
  if (folderId !== undefined) {
    try {
      const list = await listAll(client, folderId);
      live = [...list.files.map((f) => ({ kind: 'file' as const, ...f })), ...list.folders.map((f) => ({ kind: 'folder' as const, ...f }))].filter(
        (f) => f.name === name,
      );
    } catch (e) {
      if (!gone(e)) throw e; // the folder itself is gone: look everywhere
    }
  }
  if (live.length === 0) live = (await findLive(client, name, (n) => n === name)).items;
  for (const f of live) {
    await removeItem(client, f.kind, f.id);
    removed.push(`${f.kind} ${f.id}`);
  }
  const trash = await trashAll(client);
  for (const [kind, list] of [
    ['file', trash.files],
    ['folder', trash.folders],
  ] as const) {
    for (const f of list.filter((x) => x.name === name)) {
      await purgeItem(client, kind, f.id);
      removed.push(`trashed ${kind} ${f.id}`);
    }
  }
  return removed;
}

function matcher(kind: 'item' | 'webdavAccount' | 'user', run?: string) {
  return (name: string): string | undefined => {
    const r = runOf(kind, name);
    return r && (!run || r === run) ? r : undefined;
  };
}

/** What one account holds of the run namespace: live files and folders, trash, shares, WebDAV accounts. */
export async function leftoversOf(account: SweepAccount, opts: ScanOptions = {}): Promise<Scan> {
  const { client, label } = account;
  const item = matcher('item', opts.run);
  const out: Leftover[] = [];
  const incomplete: string[] = [];
  for (const s of await paged(client, '/api/v1/shares', ShareItem)) {
    const run = item(s.resource_name ?? '');
    if (run)
      out.push({
        account: label,
        kind: 'share',
        name: s.resource_name ?? s.token,
        run,
        id: s.id,
        where: 'shares',
        remove: () => client.deleteShare(s.id).then(() => undefined),
      });
  }
  const dav = matcher('webdavAccount', opts.run);
  for (const a of await paged(client, '/api/v1/webdav-accounts', DavAccount)) {
    const run = dav(a.username);
    if (run)
      out.push({
        account: label,
        kind: 'WebDAV account',
        name: a.username,
        run,
        id: a.id,
        where: 'WebDAV accounts',
        remove: () => client.deleteWebdavAccount(a.id).then(() => undefined),
      });
  }
  const live = await findLive(client, opts.run ? `lt-${opts.run}-` : 'lt-r', (n) => Boolean(item(n)), opts.walkBudget);
  if (live.incomplete) incomplete.push(live.incomplete);
  for (const f of live.items) {
    out.push({
      account: label,
      kind: f.kind,
      name: f.name,
      run: item(f.name) as string,
      id: f.id,
      where: f.where,
      remove: () => removeItem(client, f.kind, f.id),
    });
  }
  const trash = await trashAll(client);
  for (const [kind, list] of [
    ['folder', trash.folders],
    ['file', trash.files],
  ] as const) {
    for (const f of list) {
      const run = item(f.name);
      if (run)
        out.push({
          account: label,
          kind: `trashed ${kind}`,
          name: f.name,
          run,
          id: f.id,
          where: 'trash',
          remove: () => purgeItem(client, kind, f.id),
        });
    }
  }
  return { leftovers: out, incomplete };
}

/** Everything of the namespace on the given accounts, plus the test users (seen by the admin). */
export async function findLeftovers(accounts: SweepAccount[], admin: AsterClient | undefined, opts: ScanOptions = {}): Promise<Scan> {
  const leftovers: Leftover[] = [];
  const incomplete: string[] = [];
  const seen = new Set<string>();
  for (const a of accounts) {
    if (seen.has(a.label)) continue;
    seen.add(a.label);
    const scan = await leftoversOf(a, opts);
    leftovers.push(...scan.leftovers);
    incomplete.push(...scan.incomplete);
  }
  if (admin) {
    const user = matcher('user', opts.run);
    for (const u of await admin.users()) {
      const run = user(u.username);
      if (run)
        leftovers.push({
          account: admin.identifier,
          kind: 'user',
          name: u.username,
          run,
          id: u.id,
          where: 'users',
          remove: () => admin.deleteUser(u.id).then(() => undefined),
        });
    }
  }
  return { leftovers, incomplete };
}

/** Removal order: what refers to files first, then files and folders, then the trash, users last. */
const ORDER: Record<LeftoverKind, number> = { share: 0, 'WebDAV account': 1, file: 2, folder: 3, 'trashed file': 4, 'trashed folder': 5, user: 6 };

/** Removes what a scan found; a 404 means it went with its parent (checked again by the next scan). */
export async function removeLeftovers(found: Leftover[]): Promise<Pick<SweepResult, 'removed' | 'failed'>> {
  const removed: Leftover[] = [];
  const failed: SweepResult['failed'] = [];
  for (const f of [...found].sort((a, b) => ORDER[a.kind] - ORDER[b.kind])) {
    try {
      await f.remove();
      removed.push(f);
    } catch (e) {
      if (gone(e)) removed.push(f);
      else failed.push({ leftover: f, error: (e as Error).message });
    }
  }
  return { removed, failed };
}

/**
 * Finds, removes, and scans again: `remaining` is what is still there afterwards (never assumed
 * gone). Items inside a removed folder disappear with it and are not reported separately.
 */
export async function sweep(accounts: SweepAccount[], admin: AsterClient | undefined, opts: ScanOptions = {}): Promise<SweepResult> {
  const key = (l: Leftover) => `${l.account}|${l.kind}|${l.id}`;
  let scan = await findLeftovers(accounts, admin, opts);
  const incomplete = new Set(scan.incomplete);
  const removed = new Map<string, Leftover>();
  let failed: SweepResult['failed'] = [];
  // A few rounds: a large folder delete runs as a background task, and its trash entry appears later.
  for (let round = 0; round < 4 && scan.leftovers.length; round++) {
    if (round > 0) await sleep(1500 * round);
    const r = await removeLeftovers(scan.leftovers);
    for (const l of r.removed) if (!removed.has(key(l))) removed.set(key(l), l);
    failed = r.failed;
    scan = await findLeftovers(accounts, admin, opts);
    for (const i of scan.incomplete) incomplete.add(i);
  }
  const still = new Set(scan.leftovers.map(key));
  return {
    removed: [...removed.values()].filter((l) => !still.has(key(l))),
    failed: failed.filter((f) => still.has(key(f.leftover))),
    remaining: scan.leftovers,
    incomplete: [...incomplete],
  };
}

/**
 * The test that made a namespaced name: `lt-<runId>-<title slug, at most 24 characters>-<label>-<n>[.ext]`
 * (fixtures/index.ts `ns`). When the slug was cut at 24 characters the split is exact; for a shorter
 * title the last word is taken as the label.
 */
export function leftBy(name: string): { run: string; testSlug: string; label: string; n: number } | undefined {
  const m = /^lt-(r[0-9a-f]{6})-(.+)-(\d+)(?:\.[^.]*)?$/.exec(name);
  if (!m) return undefined;
  const [, run, rest, n] = m;
  let testSlug: string;
  let label: string;
  if (rest.length > 25 && rest[24] === '-') {
    testSlug = rest.slice(0, 24);
    label = rest.slice(25);
  } else {
    const i = rest.lastIndexOf('-');
    testSlug = i > 0 ? rest.slice(0, i) : rest;
    label = i > 0 ? rest.slice(i + 1) : '';
  }
  return { run, testSlug: testSlug.replace(/-+$/, ''), label, n: Number(n) };
}

/** One line for the report: what, whose, where, and which test left it. */
export function describeLeftover(l: Leftover): string {
  const by = leftBy(l.name);
  const test = by ? ` — left by the test "${by.testSlug.replace(/-/g, ' ')}…" (name label "${by.label}")` : '';
  const where = l.where === 'search' || l.where === 'shares' || l.where === 'users' || l.where === 'WebDAV accounts' ? '' : ` in ${l.where}`;
  return `${l.account}: ${l.kind} "${l.name}"${where}${test}`;
}

/** The failure message for what the sweep could not remove: each item and the command that removes it. */
export function unremovedMessage(remaining: Leftover[], failed: SweepResult['failed'], run: string, managed: boolean): string {
  const errors = new Map(failed.map((f) => [`${f.leftover.account}|${f.leftover.kind}|${f.leftover.id}`, f.error]));
  const lines = remaining.map((l) => {
    const err = errors.get(`${l.account}|${l.kind}|${l.id}`);
    return `  - ${describeLeftover(l)}${err ? `: ${err}` : ''}`;
  });
  const fix = managed
    ? 'The managed target is thrown away after the run; the suite failed to clean up after itself: report a bug.'
    : `Remove it with: ${cleanupCommand(run)}   (dry run first: ${cleanupCommand(run)} --dry-run)`;
  return `The run's data is still on the target after the sweep (${remaining.length}):\n${lines.join('\n')}\n${fix}`;
}
