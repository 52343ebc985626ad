// The trash: list, restore, purge one, empty (upstream src/api/routes/trash.rs).
import { Router } from 'express';
import type { Ctx } from '../context.js';
import { E, ok } from '../http/errors.js';
import { parseId, qint } from '../http/body.js';
import { authOf, requireAuth } from '../auth/session.js';
import { audit } from '../services/audit.js';
import { getFile, getFolder, purgeFile, purgeFolder, restoreFile, restoreFolder } from '../services/files.js';
import { lockStateOf } from '../services/locks.js';
import { getNum } from '../services/settings.js';
import { taskView } from '../services/tasks.js';
import { q } from './util.js';

export function trashRoutes(ctx: Ctx): Router {
  const r = Router();
  const store = ctx.store;
  const auth = requireAuth(ctx);
  const expires = (deletedAt: string) => new Date(Date.parse(deletedAt) + getNum(store, 'trash_retention_days') * 86_400_000).toISOString();

  r.get('/trash', auth, async (req, res) => {
    const { user } = authOf(req);
    const folderLimit = qint(q(req, 'folder_limit'), 200, 1000);
    const folderOffset = qint(q(req, 'folder_offset'), 0);
    const fileLimit = qint(q(req, 'file_limit'), 100, 1000);
    const folders = store.s.folders.filter((f) => f.ownerUserId === user.id && f.deletedAt && f.trashRoot);
    let files = store.s.files
      .filter((f) => f.ownerUserId === user.id && f.deletedAt && f.trashRoot)
      .sort((a, b) => (a.deletedAt! < b.deletedAt! ? -1 : a.deletedAt! > b.deletedAt! ? 1 : a.id - b.id));
    const filesTotal = files.length;
    const afterId = q(req, 'file_after_id');
    if (afterId) {
      const i = files.findIndex((f) => String(f.id) === afterId);
      if (i >= 0) files = files.slice(i + 1);
    }
    const pageFiles = files.slice(0, fileLimit);
    const last = pageFiles[pageFiles.length - 1];
    ok(res, {
      folders: folders.slice(folderOffset, folderOffset + folderLimit).map((f) => ({
        id: f.id,
        name: f.name,
        original_path: f.originalPath,
        created_at: f.createdAt,
        updated_at: f.updatedAt,
        expires_at: expires(f.deletedAt!),
        lock_state: lockStateOf(ctx, { folder: f }),
      })),
      folders_total: folders.length,
      files: pageFiles.map((f) => ({
        id: f.id,
        name: f.name,
        size: f.size,
        mime_type: f.mimeType,
        original_path: f.originalPath,
        created_at: f.createdAt,
        updated_at: f.updatedAt,
        expires_at: expires(f.deletedAt!),
        lock_state: lockStateOf(ctx, { file: f }),
      })),
      files_total: filesTotal,
      next_file_cursor: files.length > fileLimit && last ? { expires_at: expires(last.deletedAt!), id: last.id } : null,
    });
  });

  r.post('/trash/:type/:id/restore', auth, async (req, res) => {
    const { user } = authOf(req);
    const id = parseId(req.params.id as string);
    if (req.params.type === 'file') {
      const f = getFile(ctx, user, id, true);
      if (!f.deletedAt || !f.trashRoot) throw E.notFound('file.not_found', 'file not found in trash');
      restoreFile(ctx, f);
      audit(ctx, { req, userId: user.id, action: 'file_restore', entityType: 'file', entityId: f.id, entityName: f.name });
    } else if (req.params.type === 'folder') {
      const f = getFolder(ctx, user, id, true);
      if (!f.deletedAt || !f.trashRoot) throw E.notFound('folder.not_found', 'folder not found in trash');
      restoreFolder(ctx, f);
      audit(ctx, { req, userId: user.id, action: 'folder_restore', entityType: 'folder', entityId: f.id, entityName: f.name });
    } else throw E.notFound('endpoint.not_found', 'endpoint not found');
    store.commit();
    ok(res);
  });

  r.delete('/trash/:type/:id', auth, async (req, res) => {
    const { user } = authOf(req);
    const id = parseId(req.params.id as string);
    if (req.params.type === 'file') {
      const f = getFile(ctx, user, id, true);
      if (!f.deletedAt || !f.trashRoot) throw E.notFound('file.not_found', 'file not found in trash');
      await purgeFile(ctx, f);
      audit(ctx, { req, userId: user.id, action: 'file_purge', entityType: 'file', entityId: f.id, entityName: f.name });
    } else if (req.params.type === 'folder') {
      const f = getFolder(ctx, user, id, true);
      if (!f.deletedAt || !f.trashRoot) throw E.notFound('folder.not_found', 'folder not found in trash');
      await purgeFolder(ctx, f);
      audit(ctx, { req, userId: user.id, action: 'folder_purge', entityType: 'folder', entityId: f.id, entityName: f.name });
    } else throw E.notFound('endpoint.not_found', 'endpoint not found');
    store.commit();
    ok(res);
  });

  r.delete('/trash', auth, async (req, res) => {
    const { user } = authOf(req);
    const t = ctx.tasks.enqueue('trash_purge_all', 'Empty trash', user.id, { user_id: user.id });
    audit(ctx, { req, userId: user.id, action: 'trash_purge_all', entityType: 'trash', entityId: t.id });
    store.commit();
    ok(res, taskView(ctx, t));
  });

  return r;
}
