// Reading a file: info, download, thumbnail, resource handle (upstream src/api/routes/files/access.rs).
import fs from 'node:fs';
import { Router, type Request, type Response } from 'express';
import type { Ctx } from '../../context.js';
import type { FileRec } from '../../db/types.js';
import { E, ok } from '../../http/errors.js';
import { parseId, readJson, reqObj } from '../../http/body.js';
import { sendFileContent } from '../../http/download.js';
import { authOf, requireAuth } from '../../auth/session.js';
import { audit } from '../../services/audit.js';
import { fileInfo, getFile } from '../../services/files.js';
import { THUMB_EXTS, extensionOf } from '../../util/mime.js';

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

export function fileAccessRoutes(ctx: Ctx): Router {
  const r = Router();
  const store = ctx.store;
  const auth = requireAuth(ctx);

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
