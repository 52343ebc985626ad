// Changing a file: new, content, rename/move, copy, lock, delete (upstream src/api/routes/files/mutations.rs).
import crypto from 'node:crypto';
import { Router } from 'express';
import type { Ctx } from '../../context.js';
import type { UserRec } from '../../db/types.js';
import { ApiError, E, ok } from '../../http/errors.js';
import { bool, parseId, readJson, reqObj } from '../../http/body.js';
import { authOf, requireAuth } from '../../auth/session.js';
import { audit } from '../../services/audit.js';
import {
  assertUnlocked,
  bufferToTemp,
  copyFileRec,
  createFile,
  ensureRelativePath,
  fileInfo,
  fileNameTaken,
  folderNameTaken,
  getFile,
  getFolder,
  overwriteFile,
  streamToTemp,
  trashFile,
  validateName,
} from '../../services/files.js';
import { directFileLockToggle } from '../../services/product-locks.js';

function parseIfMatch(v: string | undefined): string[] | null {
  if (!v) return null;
  return v.split(',').map((s) => s.trim().replace(/^W\//, '').replace(/^"|"$/g, ''));
}

const idempotency = new Map<string, { hash: string; status: number; data: unknown }>();

export function fileMutationRoutes(ctx: Ctx): Router {
  const r = Router();
  const store = ctx.store;
  const auth = requireAuth(ctx);

  const folderArg = (user: UserRec, v: unknown): number | null => {
    if (v === null || v === undefined) return null;
    if (typeof v !== 'number' || !Number.isInteger(v)) throw E.bad('invalid folder id');
    getFolder(ctx, user, v);
    return v;
  };

  r.post('/files/new', auth, async (req, res) => {
    const { user } = authOf(req);
    const body = reqObj(await readJson(req));
    const key = req.headers['idempotency-key'];
    const bodyHash = crypto.createHash('sha256').update(JSON.stringify(body)).digest('hex');
    if (typeof key === 'string') {
      if (key.length > 255 || /\s/.test(key)) throw E.bad('invalid Idempotency-Key');
      const prev = idempotency.get(`${user.id}:${key}`);
      if (prev) {
        if (prev.hash !== bodyHash) throw E.conflict('Idempotency-Key was used with a different request');
        ok(res, prev.data, prev.status);
        return;
      }
    }
    let folderId = folderArg(user, body.folder_id);
    let name = body.name as string;
    if (typeof body.relative_path === 'string' && body.relative_path.trim()) {
      const rp = ensureRelativePath(ctx, user, folderId, body.relative_path);
      folderId = rp.folderId;
      if (rp.leaf) name = rp.leaf;
    }
    validateName(name, 'file');
    if (fileNameTaken(ctx, user.id, folderId, name) || folderNameTaken(ctx, user.id, folderId, name))
      throw E.bad('a file with this name already exists', 'file.name_conflict');
    const f = await createFile(ctx, user, { folderId, name, temp: await bufferToTemp(ctx, Buffer.alloc(0)), autoRename: false });
    audit(ctx, { req, userId: user.id, action: 'file_create', entityType: 'file', entityId: f.id, entityName: f.name });
    store.commit();
    const data = fileInfo(ctx, f);
    if (typeof key === 'string') idempotency.set(`${user.id}:${key}`, { hash: bodyHash, status: 201, data });
    ok(res, data, 201);
  });

  r.put('/files/:id/content', auth, async (req, res) => {
    const { user } = authOf(req);
    const f = getFile(ctx, user, parseId(req.params.id as string));
    const ifMatch = parseIfMatch(req.headers['if-match'] as string | undefined);
    if (ifMatch && !ifMatch.includes('*') && !ifMatch.includes(f.etag)) throw new ApiError(412, 'file.etag_mismatch', 'file etag does not match');
    assertUnlocked(ctx, { file: f });
    const temp = await streamToTemp(ctx, req);
    await overwriteFile(ctx, user, f, temp, 'overwrite');
    audit(ctx, { req, userId: user.id, action: 'file_edit', entityType: 'file', entityId: f.id, entityName: f.name });
    store.commit();
    res.setHeader('ETag', `"${f.etag}"`);
    ok(res, fileInfo(ctx, f));
  });

  r.patch('/files/:id', auth, async (req, res) => {
    const { user } = authOf(req);
    const f = getFile(ctx, user, parseId(req.params.id as string));
    const body = reqObj(await readJson(req));
    assertUnlocked(ctx, { file: f });
    const folderId = 'folder_id' in body ? folderArg(user, body.folder_id) : f.folderId;
    const name = body.name !== undefined ? validateName(body.name, 'file') : f.name;
    if (fileNameTaken(ctx, user.id, folderId, name, f.id) || folderNameTaken(ctx, user.id, folderId, name))
      throw E.bad('a file with this name already exists', 'file.name_conflict');
    const renamed = name !== f.name;
    const moved = folderId !== f.folderId;
    f.name = name;
    f.folderId = folderId;
    f.updatedAt = new Date().toISOString();
    if (renamed) audit(ctx, { req, userId: user.id, action: 'file_rename', entityType: 'file', entityId: f.id, entityName: f.name });
    if (moved) audit(ctx, { req, userId: user.id, action: 'file_move', entityType: 'file', entityId: f.id, entityName: f.name });
    store.commit();
    ok(res, fileInfo(ctx, f));
  });

  r.post('/files/:id/copy', auth, async (req, res) => {
    const { user } = authOf(req);
    const f = getFile(ctx, user, parseId(req.params.id as string));
    const body = reqObj(await readJson(req));
    const folderId = folderArg(user, body.folder_id);
    const copy = copyFileRec(ctx, user, f, folderId);
    audit(ctx, { req, userId: user.id, action: 'file_copy', entityType: 'file', entityId: copy.id, entityName: copy.name });
    store.commit();
    ok(res, fileInfo(ctx, copy), 201);
  });

  r.post('/files/:id/lock', auth, async (req, res) => {
    const { user } = authOf(req);
    const f = getFile(ctx, user, parseId(req.params.id as string));
    const body = reqObj(await readJson(req));
    const locked = bool(body, 'locked');
    if (locked === undefined) throw E.bad('invalid JSON request body: missing field `locked`');
    directFileLockToggle(ctx, user, f, locked);
    audit(ctx, { req, userId: user.id, action: locked ? 'file_lock' : 'file_unlock', entityType: 'file', entityId: f.id, entityName: f.name });
    store.commit();
    ok(res, fileInfo(ctx, f));
  });

  r.delete('/files/:id', auth, async (req, res) => {
    const { user } = authOf(req);
    const f = getFile(ctx, user, parseId(req.params.id as string));
    assertUnlocked(ctx, { file: f });
    trashFile(ctx, f);
    audit(ctx, { req, userId: user.id, action: 'file_delete', entityType: 'file', entityId: f.id, entityName: f.name });
    store.commit();
    ok(res);
  });

  return r;
}
