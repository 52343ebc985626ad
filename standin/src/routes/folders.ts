// Folders: list, create, info, ancestors, rename/move, copy, lock, delete (upstream src/api/routes/folders.rs).
import { Router, type Request } from 'express';
import type { Ctx } from '../context.js';
import type { FileRec, FolderRec, UserRec } from '../db/types.js';
import { E, ok } from '../http/errors.js';
import { bool, parseId, qint, readJson, reqObj } from '../http/body.js';
import { authOf, requireAuth } from '../auth/session.js';
import { audit } from '../services/audit.js';
import {
  assertTreeUnlocked,
  copyFolderRec,
  createFolder,
  fileListItem,
  fileNameTaken,
  folderInfo,
  folderListItem,
  folderNameTaken,
  getFolder,
  isDescendant,
  liveFiles,
  liveFolders,
  trashFolder,
  validateName,
} from '../services/files.js';
import { directFolderLockToggle } from '../services/product-locks.js';
import { extensionOf } from '../util/mime.js';
import { q } from './util.js';

type SortKey = 'name' | 'size' | 'created_at' | 'updated_at' | 'type';

function sortVal(f: FileRec, k: SortKey): string | number {
  switch (k) {
    case 'size':
      return f.size;
    case 'created_at':
      return f.createdAt;
    case 'updated_at':
      return f.updatedAt;
    case 'type':
      return extensionOf(f.name);
    default:
      return f.name.toLowerCase();
  }
}

/** FolderContents for a parent (upstream src/api/routes/folders.rs); also used by share browsing. */
export function folderContents(ctx: Ctx, req: Request, ownerId: number, parentId: number | null): Record<string, unknown> {
  const sortBy = (q(req, 'sort_by') ?? 'name') as SortKey;
  if (!['name', 'size', 'created_at', 'updated_at', 'type'].includes(sortBy)) throw E.bad('invalid sort_by');
  const order = q(req, 'sort_order') ?? 'asc';
  if (order !== 'asc' && order !== 'desc') throw E.bad('invalid sort_order');
  const dir = order === 'asc' ? 1 : -1;
  const folderLimit = qint(q(req, 'folder_limit'), 200, 1000);
  const folderOffset = qint(q(req, 'folder_offset'), 0);
  const fileLimit = qint(q(req, 'file_limit'), 100, 1000);
  const folders = liveFolders(ctx, ownerId, parentId).sort((a, b) => {
    const x = sortBy === 'created_at' ? a.createdAt : sortBy === 'updated_at' ? a.updatedAt : a.name.toLowerCase();
    const y = sortBy === 'created_at' ? b.createdAt : sortBy === 'updated_at' ? b.updatedAt : b.name.toLowerCase();
    return (x < y ? -1 : x > y ? 1 : a.id - b.id) * dir;
  });
  let files = liveFiles(ctx, ownerId, parentId).sort((a, b) => {
    const x = sortVal(a, sortBy);
    const y = sortVal(b, sortBy);
    return (x < y ? -1 : x > y ? 1 : a.id - b.id) * dir;
  });
  const filesTotal = files.length;
  const afterId = q(req, 'file_after_id');
  if (afterId) {
    const i = files.findIndex((f) => String(f.id) === afterId);
    files = i >= 0 ? files.slice(i + 1) : files;
  }
  const pageFiles = files.slice(0, fileLimit);
  const last = pageFiles[pageFiles.length - 1];
  return {
    folders: folderLimit === 0 ? [] : folders.slice(folderOffset, folderOffset + folderLimit).map((f) => folderListItem(ctx, f)),
    folders_total: folders.length,
    files: pageFiles.map((f) => fileListItem(ctx, f)),
    files_total: filesTotal,
    next_file_cursor: files.length > fileLimit && last ? { id: last.id, value: String(sortVal(last, sortBy)) } : null,
  };
}

export function ancestors(ctx: Ctx, f: FolderRec): { id: number; name: string }[] {
  const out: { id: number; name: string }[] = [];
  let cur: FolderRec | undefined = f;
  const seen = new Set<number>();
  while (cur && !seen.has(cur.id)) {
    seen.add(cur.id);
    out.unshift({ id: cur.id, name: cur.name });
    const pid: number | null = cur.parentId;
    cur = pid === null ? undefined : ctx.store.state.folders.find((x) => x.id === pid);
  }
  return out;
}

export function folderRoutes(ctx: Ctx): Router {
  const r = Router();
  const store = ctx.store;
  const auth = requireAuth(ctx);

  const parentArg = (user: UserRec, v: unknown): number | null => {
    if (v === null || v === undefined) return null;
    if (typeof v !== 'number' || !Number.isInteger(v)) throw E.bad('invalid parent id');
    getFolder(ctx, user, v);
    return v;
  };

  r.get('/folders', auth, async (req, res) => ok(res, folderContents(ctx, req, authOf(req).user.id, null)));

  r.post('/folders', auth, async (req, res) => {
    const { user } = authOf(req);
    const body = reqObj(await readJson(req));
    const parentId = parentArg(user, body.parent_id);
    const f = createFolder(ctx, user, body.name as string, parentId);
    audit(ctx, { req, userId: user.id, action: 'folder_create', entityType: 'folder', entityId: f.id, entityName: f.name });
    store.commit();
    // The created folder carries no storage_used (recorded contract, AsterDrive 0.5.0).
    const { storage_used: _used, ...info } = folderInfo(ctx, f);
    ok(res, info, 201);
  });

  r.get('/folders/:id', auth, async (req, res) => {
    const { user } = authOf(req);
    const f = getFolder(ctx, user, parseId(req.params.id as string));
    ok(res, folderContents(ctx, req, user.id, f.id));
  });

  r.get('/folders/:id/info', auth, async (req, res) => {
    const { user } = authOf(req);
    ok(res, folderInfo(ctx, getFolder(ctx, user, parseId(req.params.id as string))));
  });

  r.get('/folders/:id/ancestors', auth, async (req, res) => {
    const { user } = authOf(req);
    ok(res, ancestors(ctx, getFolder(ctx, user, parseId(req.params.id as string))));
  });

  r.patch('/folders/:id', auth, async (req, res) => {
    const { user } = authOf(req);
    const f = getFolder(ctx, user, parseId(req.params.id as string));
    const body = reqObj(await readJson(req));
    if ('policy_id' in body) throw E.forbidden('admin required', 'auth.admin_required');
    assertTreeUnlocked(ctx, user, f);
    let parent = f.parentId;
    if ('parent_id' in body) {
      parent = parentArg(user, body.parent_id);
      if (parent !== null && isDescendant(ctx, parent, f.id)) throw E.bad('cannot move a folder into itself');
    }
    const name = body.name !== undefined ? validateName(body.name, 'folder') : f.name;
    if (folderNameTaken(ctx, user.id, parent, name, f.id) || fileNameTaken(ctx, user.id, parent, name))
      throw E.bad('a folder with this name already exists', 'folder.name_conflict');
    const renamed = name !== f.name;
    const moved = parent !== f.parentId;
    f.name = name;
    f.parentId = parent;
    f.updatedAt = new Date().toISOString();
    if (renamed) audit(ctx, { req, userId: user.id, action: 'folder_rename', entityType: 'folder', entityId: f.id, entityName: f.name });
    if (moved) audit(ctx, { req, userId: user.id, action: 'folder_move', entityType: 'folder', entityId: f.id, entityName: f.name });
    store.commit();
    ok(res, folderInfo(ctx, f));
  });

  r.post('/folders/:id/copy', auth, async (req, res) => {
    const { user } = authOf(req);
    const f = getFolder(ctx, user, parseId(req.params.id as string));
    const body = reqObj(await readJson(req));
    const parent = parentArg(user, body.parent_id);
    const copy = copyFolderRec(ctx, user, f, parent);
    audit(ctx, { req, userId: user.id, action: 'folder_copy', entityType: 'folder', entityId: copy.id, entityName: copy.name });
    store.commit();
    ok(res, folderInfo(ctx, copy), 201);
  });

  r.post('/folders/:id/lock', auth, async (req, res) => {
    const { user } = authOf(req);
    const f = getFolder(ctx, user, parseId(req.params.id as string));
    const body = reqObj(await readJson(req));
    const locked = bool(body, 'locked');
    if (locked === undefined) throw E.bad('invalid JSON request body: missing field `locked`');
    directFolderLockToggle(ctx, user, f, locked);
    audit(ctx, { req, userId: user.id, action: locked ? 'folder_lock' : 'folder_unlock', entityType: 'folder', entityId: f.id, entityName: f.name });
    store.commit();
    ok(res, folderInfo(ctx, f));
  });

  r.delete('/folders/:id', auth, async (req, res) => {
    const { user } = authOf(req);
    const f = getFolder(ctx, user, parseId(req.params.id as string));
    assertTreeUnlocked(ctx, user, f);
    trashFolder(ctx, f);
    audit(ctx, { req, userId: user.id, action: 'folder_delete', entityType: 'folder', entityId: f.id, entityName: f.name });
    store.commit();
    ok(res);
  });

  return r;
}
