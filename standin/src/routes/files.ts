import crypto from 'node:crypto';
import fs from 'node:fs';
import { Router, type Request, type Response } from 'express';
import type { Ctx } from '../context.js';
import type { FileRec, UserRec } from '../db/types.js';
import { ApiError, E, ok } from '../http/errors.js';
import { bool, parseId, qint, readJson, reqObj } from '../http/body.js';
import { sendFileContent } from '../http/download.js';
import { authOf, requireAuth } from '../auth/session.js';
import { audit } from '../services/audit.js';
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
  releaseBlob,
  streamToTemp,
  trashFile,
  validateName,
  versionView,
} from '../services/files.js';
import { directFileLockToggle } from '../services/product-locks.js';
import { THUMB_EXTS, extensionOf } from '../util/mime.js';
import { q } from './util.js';

/** Thumbnail contract shared by owner and share routes (upstream src/api/routes/files/access.rs). */
export function serveThumbnail(ctx: Ctx, req: Request, res: Response, file: FileRec, creator: number | null, envelope202: boolean): void {
  if (!THUMB_EXTS.includes(extensionOf(file.name)) && !/^image\/(png|jpeg|gif|webp|bmp|tiff|avif)$/.test(file.mimeType)) {
    throw E.bad('thumbnails are not supported for this file type');
  }
  const key = String(file.blobId);
  const path = ctx.store.state.thumbnails[key];
  if (path && fs.existsSync(path)) {
    const etag = `"thumb-${file.etag}"`;
    res.setHeader('ETag', etag);
    res.setHeader('Cache-Control', 'private, max-age=0, must-revalidate');
    if (req.headers['if-none-match'] === etag) {
      res.status(304).end();
      return;
    }
    res.setHeader('Content-Type', 'image/webp');
    res.status(200).send(fs.readFileSync(path));
    return;
  }
  const pending = ctx.store.state.tasks.some(
    (t) =>
      t.kind === 'thumbnail_generate' && t.payload.blob_id === file.blobId && (t.status === 'pending' || t.status === 'processing' || t.status === 'retry'),
  );
  if (!pending) ctx.tasks.enqueue('thumbnail_generate', `Generate thumbnail for ${file.name}`, creator, { blob_id: file.blobId, file_id: file.id });
  res.setHeader('Retry-After', '2');
  if (envelope202) res.status(202).json({ code: 'success', msg: '' });
  else res.status(202).end();
}

function parseIfMatch(v: string | undefined): string[] | null {
  if (!v) return null;
  return v.split(',').map((s) => s.trim().replace(/^W\//, '').replace(/^"|"$/g, ''));
}

const idempotency = new Map<string, { hash: string; status: number; data: unknown }>();

export function fileRoutes(ctx: Ctx): Router {
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

  r.get('/files/:id', auth, async (req, res) => {
    const { user } = authOf(req);
    ok(res, fileInfo(ctx, getFile(ctx, user, parseId(req.params.id as string)), true));
  });

  const download = async (req: Request, res: Response) => {
    const { user } = authOf(req);
    const f = getFile(ctx, user, parseId(req.params.id as string));
    await sendFileContent(ctx, req, res, f, {
      source: 'authenticated',
      beforeStream: () => {
        audit(ctx, { req, userId: user.id, action: 'file_download', entityType: 'file', entityId: f.id, entityName: f.name });
        store.commit();
      },
    });
  };
  r.get('/files/:id/download', auth, download);
  r.head('/files/:id/download', auth, download);

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

  r.get('/files/:id/versions', auth, async (req, res) => {
    const { user } = authOf(req);
    const f = getFile(ctx, user, parseId(req.params.id as string));
    const limit = qint(q(req, 'limit'), 100, 1000);
    const after = q(req, 'after_sequence');
    let vs = store.s.versions.filter((v) => v.fileId === f.id && !v.deleted).sort((a, b) => b.seq - a.seq);
    if (after) vs = vs.filter((v) => v.seq < Number(after));
    ok(
      res,
      vs.slice(0, limit).map((v) => versionView(ctx, f, v)),
    );
  });

  r.post('/files/:id/versions/:vid/restore', auth, async (req, res) => {
    const { user } = authOf(req);
    const f = getFile(ctx, user, parseId(req.params.id as string));
    const v = store.s.versions.find((x) => x.id === parseId(req.params.vid as string) && x.fileId === f.id && !x.deleted);
    if (!v || v.blobId === null) throw E.notFound('not_found', 'version not found');
    assertUnlocked(ctx, { file: f });
    const blob = store.s.blobs.find((b) => b.id === v.blobId);
    if (!blob) throw E.notFound('not_found', 'version content not found');
    const seq = Math.max(...store.s.versions.filter((x) => x.fileId === f.id).map((x) => x.seq)) + 1;
    const nv = {
      ...v,
      id: store.nextId('versions'),
      publicId: crypto.randomUUID(),
      seq,
      reason: 'restore' as const,
      creatorUserId: user.id,
      createdAt: new Date().toISOString(),
      etag: crypto.randomBytes(16).toString('hex'),
    };
    blob.refs++;
    store.state.versions.push(nv);
    Object.assign(f, { versionId: nv.id, blobId: blob.id, size: blob.size, etag: nv.etag, mimeType: nv.mimeType, updatedAt: nv.createdAt });
    audit(ctx, { req, userId: user.id, action: 'file_version_restore', entityType: 'file', entityId: f.id, entityName: f.name, details: { version_id: v.id } });
    store.commit();
    ok(res, fileInfo(ctx, f));
  });

  r.delete('/files/:id/versions/:vid', auth, async (req, res) => {
    const { user } = authOf(req);
    const f = getFile(ctx, user, parseId(req.params.id as string));
    const v = store.s.versions.find((x) => x.id === parseId(req.params.vid as string) && x.fileId === f.id && !x.deleted);
    if (!v) throw E.notFound('not_found', 'version not found');
    if (v.id === f.versionId) throw E.bad('cannot delete the current version');
    v.deleted = true;
    const b = v.blobId;
    v.blobId = null;
    await releaseBlob(ctx, b);
    audit(ctx, { req, userId: user.id, action: 'file_version_delete', entityType: 'file', entityId: f.id, entityName: f.name, details: { version_id: v.id } });
    store.commit();
    ok(res);
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

  r.get('/files/:id/thumbnail', auth, async (req, res) => {
    const { user } = authOf(req);
    serveThumbnail(ctx, req, res, getFile(ctx, user, parseId(req.params.id as string)), user.id, true);
  });

  r.post('/files/:id/resource-handle', auth, async (req, res) => {
    const { user } = authOf(req);
    const f = getFile(ctx, user, parseId(req.params.id as string));
    const body = reqObj(await readJson(req));
    const purpose = body.purpose ?? 'preview';
    const mode = body.delivery_mode ?? 'blob_url';
    const representation = body.representation ?? 'auto';
    if (!['preview', 'download', 'external_viewer'].includes(String(purpose))) throw E.bad('invalid purpose');
    if (!['blob_url', 'text', 'direct_url', 'media_stream', 'iframe_session', 'manifest'].includes(String(mode))) throw E.bad('invalid delivery_mode');
    let url = purpose === 'download' ? `/files/${f.id}/download` : `/files/${f.id}/download?disposition=inline`;
    let mime = f.mimeType;
    if (representation === 'thumbnail') {
      url = `/files/${f.id}/thumbnail`;
      mime = 'image/webp';
    }
    ok(res, {
      identity: { cache_key: `file:${f.id}:${f.etag}:${representation}`, etag: `"${f.etag}"`, scope: 'personal' },
      request: { url, credentials: 'include', conditional_headers: { 'If-None-Match': `"${f.etag}"` }, redirect_policy: 'follow' },
      delivery: { mode, mime_type: mime },
    });
  });

  return r;
}
