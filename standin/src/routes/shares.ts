// The owner's shares: create, list, patch, delete, batch delete (upstream src/api/routes/shares.rs).
import crypto from 'node:crypto';
import { Router } from 'express';
import type { Ctx } from '../context.js';
import type { ShareRec } from '../db/types.js';
import { E, ok } from '../http/errors.js';
import { int, isObj, parseId, qint, readJson, reqObj } from '../http/body.js';
import { hashPassword } from '../auth/password.js';
import { authOf, requireAuth } from '../auth/session.js';
import { audit } from '../services/audit.js';
import { getFile, getFolder, userById } from '../services/files.js';
import { page, q } from './util.js';
import { profileView } from '../services/users.js';

export function shareExpired(s: ShareRec): boolean {
  return s.expiresAt !== null && Date.parse(s.expiresAt) <= Date.now();
}

export function shareInfo(ctx: Ctx, s: ShareRec): Record<string, unknown> {
  const u = userById(ctx, s.userId);
  return {
    id: s.id,
    token: s.token,
    user: u ? { id: u.id, username: u.username, profile: profileView(u) } : null,
    team_id: null,
    target: { type: s.targetType, id: s.targetId },
    expires_at: s.expiresAt,
    max_downloads: s.maxDownloads,
    download_count: s.downloadCount,
    view_count: s.viewCount,
    created_at: s.createdAt,
    updated_at: s.updatedAt,
  };
}

function myShareInfo(ctx: Ctx, s: ShareRec): Record<string, unknown> {
  const target = s.targetType === 'file' ? ctx.store.state.files.find((f) => f.id === s.targetId) : ctx.store.state.folders.find((f) => f.id === s.targetId);
  const deleted = !target || Boolean(target.deletedAt);
  const exhausted = s.maxDownloads > 0 && s.downloadCount >= s.maxDownloads;
  return {
    id: s.id,
    token: s.token,
    resource_id: s.targetId,
    resource_name: target?.name ?? null,
    resource_type: s.targetType,
    resource_deleted: deleted,
    has_password: s.passwordHash !== null,
    status: deleted ? 'deleted' : shareExpired(s) ? 'expired' : exhausted ? 'exhausted' : 'active',
    expires_at: s.expiresAt,
    max_downloads: s.maxDownloads,
    download_count: s.downloadCount,
    view_count: s.viewCount,
    remaining_downloads: s.maxDownloads > 0 ? Math.max(0, s.maxDownloads - s.downloadCount) : null,
    created_at: s.createdAt,
    updated_at: s.updatedAt,
  };
}

function parseExpiry(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v !== 'string' || Number.isNaN(Date.parse(v))) throw E.bad('invalid expires_at');
  return new Date(v).toISOString();
}

export function shareRoutes(ctx: Ctx): Router {
  const r = Router();
  const store = ctx.store;
  const auth = requireAuth(ctx);

  const mine = (userId: number, id: number): ShareRec => {
    const s = store.s.shares.find((x) => x.id === id);
    if (!s) throw E.notFound('share.not_found', 'share not found');
    if (s.userId !== userId) throw E.forbidden('not your share');
    return s;
  };

  r.post('/shares', auth, async (req, res) => {
    const { user } = authOf(req);
    const body = reqObj(await readJson(req));
    const t = body.target;
    if (!isObj(t) || (t.type !== 'file' && t.type !== 'folder') || typeof t.id !== 'number') throw E.bad('invalid JSON request body: invalid `target`');
    const target = t.type === 'file' ? getFile(ctx, user, t.id) : getFolder(ctx, user, t.id);
    const max = int(body, 'max_downloads') ?? 0;
    if (max < 0) throw E.bad('max_downloads must be >= 0');
    const expiresAt = parseExpiry(body.expires_at);
    const pw = typeof body.password === 'string' && body.password !== '' ? body.password : null;
    const existing = store.s.shares.filter((s) => s.targetType === t.type && s.targetId === target.id);
    if (existing.some((s) => !shareExpired(s))) throw E.bad('an active share already exists for this resource');
    store.state.shares = store.state.shares.filter((s) => !existing.includes(s));
    const now = new Date().toISOString();
    const s: ShareRec = {
      id: store.nextId('shares'),
      token: crypto.randomBytes(16).toString('hex'),
      userId: user.id,
      targetType: t.type,
      targetId: target.id,
      passwordHash: pw ? await hashPassword(pw) : null,
      expiresAt,
      maxDownloads: max,
      downloadCount: 0,
      viewCount: 0,
      createdAt: now,
      updatedAt: now,
    };
    store.state.shares.push(s);
    audit(ctx, { req, userId: user.id, action: 'share_create', entityType: 'share', entityId: s.id, entityName: target.name });
    store.commit();
    ok(res, shareInfo(ctx, s), 201);
  });

  r.get('/shares', auth, async (req, res) => {
    const { user } = authOf(req);
    const items = store.s.shares
      .filter((s) => s.userId === user.id)
      .sort((a, b) => b.id - a.id)
      .map((s) => myShareInfo(ctx, s));
    ok(res, page(items, qint(q(req, 'limit'), 50, 100), qint(q(req, 'offset'), 0)));
  });

  r.post('/shares/batch-delete', auth, async (req, res) => {
    const { user } = authOf(req);
    const body = reqObj(await readJson(req));
    const ids = Array.isArray(body.share_ids) ? body.share_ids : [];
    let succeeded = 0;
    const errors: unknown[] = [];
    for (const id of ids) {
      const s = store.s.shares.find((x) => x.id === id && x.userId === user.id);
      if (!s) {
        errors.push({ id, code: 'share.not_found' });
        continue;
      }
      store.state.shares = store.state.shares.filter((x) => x !== s);
      succeeded++;
    }
    audit(ctx, { req, userId: user.id, action: 'share_batch_delete', entityType: 'share', details: { share_ids: ids } });
    store.commit();
    ok(res, { succeeded, failed: errors.length, errors });
  });

  r.patch('/shares/:id', auth, async (req, res) => {
    const { user } = authOf(req);
    const s = mine(user.id, parseId(req.params.id as string));
    const body = reqObj(await readJson(req));
    const max = int(body, 'max_downloads', true)!;
    if (max < 0) throw E.bad('max_downloads must be >= 0');
    if (body.password !== undefined && body.password !== null) {
      if (typeof body.password !== 'string') throw E.bad('invalid password');
      s.passwordHash = body.password === '' ? null : await hashPassword(body.password);
    }
    s.expiresAt = parseExpiry(body.expires_at);
    s.maxDownloads = max;
    s.updatedAt = new Date().toISOString();
    audit(ctx, { req, userId: user.id, action: 'share_update', entityType: 'share', entityId: s.id });
    store.commit();
    ok(res, shareInfo(ctx, s));
  });

  r.delete('/shares/:id', auth, async (req, res) => {
    const { user } = authOf(req);
    const s = mine(user.id, parseId(req.params.id as string));
    store.state.shares = store.state.shares.filter((x) => x !== s);
    audit(ctx, { req, userId: user.id, action: 'share_delete', entityType: 'share', entityId: s.id });
    store.commit();
    ok(res);
  });

  return r;
}
