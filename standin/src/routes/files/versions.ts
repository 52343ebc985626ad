// A file's versions: list, restore, delete (upstream src/api/routes/files/versions.rs).
import crypto from 'node:crypto';
import { Router } from 'express';
import type { Ctx } from '../../context.js';
import { E, ok } from '../../http/errors.js';
import { parseId, qint } from '../../http/body.js';
import { authOf, requireAuth } from '../../auth/session.js';
import { audit } from '../../services/audit.js';
import { assertUnlocked, fileInfo, getFile, releaseBlob, versionView } from '../../services/files.js';
import { q } from '../util.js';

export function fileVersionRoutes(ctx: Ctx): Router {
  const r = Router();
  const store = ctx.store;
  const auth = requireAuth(ctx);

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

  return r;
}
