// Admin → Locks (upstream src/api/routes/admin/locks.rs).
import { Router } from 'express';
import type { Ctx } from '../../context.js';
import type { LockRec } from '../../db/types.js';
import { E, ok } from '../../http/errors.js';
import { parseId, qint } from '../../http/body.js';
import { authOf, requireAuth } from '../../auth/session.js';
import { audit } from '../../services/audit.js';
import { userSummary } from '../../services/users.js';
import { folderPathNames, pathString } from '../../services/files.js';
import { lockActive, lockVisible, pruneLocks } from '../../services/locks.js';
import { page, q, sortBy } from '../util.js';

export function lockView(ctx: Ctx, l: LockRec): Record<string, unknown> {
  const s = ctx.store.state;
  let path = '/';
  let rootKind = 'workspace_root';
  if (l.fileId !== null) {
    const f = s.files.find((x) => x.id === l.fileId);
    rootKind = 'file';
    path = f ? pathString(ctx, f.folderId, f.name) : '/';
  } else if (l.folderId !== null) {
    rootKind = 'folder';
    path = `/${folderPathNames(ctx, l.folderId).join('/')}`;
  }
  return {
    id: l.id,
    token: l.token,
    namespace_id: l.userId,
    root_kind: rootKind,
    root_folder_id: l.folderId,
    root_file_id: l.fileId,
    depth: l.depth,
    mode: l.mode,
    origin: l.origin,
    lockroot_path: path,
    owner: userSummary(s.users.find((u) => u.id === l.userId)),
    owner_info: l.ownerInfo,
    timeout_at: l.timeoutAt,
    created_at: l.createdAt,
  };
}

export function adminLockRoutes(ctx: Ctx): Router {
  const r = Router();
  const store = ctx.store;
  const admin = requireAuth(ctx, { admin: true });

  r.get('/admin/locks', admin, async (req, res) => {
    if (pruneLocks(ctx)) store.commit();
    const order = q(req, 'sort_order') === 'desc' ? 'desc' : 'asc';
    const items = sortBy(
      store.s.locks.filter((l) => lockVisible(l)),
      (l) => l.id,
      order,
    );
    ok(
      res,
      page(
        items.map((l) => lockView(ctx, l)),
        qint(q(req, 'limit'), 50, 100),
        qint(q(req, 'offset'), 0),
      ),
    );
  });

  r.delete('/admin/locks/expired', admin, async (req, res) => {
    const { user: me } = authOf(req);
    const n0 = store.state.locks.length;
    store.state.locks = store.state.locks.filter((l) => lockActive(l));
    const removed = n0 - store.state.locks.length;
    audit(ctx, { req, userId: me.id, action: 'admin_cleanup_expired_locks', entityType: 'resource_lock', details: { removed } });
    store.commit();
    ok(res, { removed });
  });

  r.delete('/admin/locks/:id', admin, async (req, res) => {
    const { user: me } = authOf(req);
    const id = parseId(req.params.id as string);
    const l = store.s.locks.find((x) => x.id === id);
    if (!l) throw E.notFound('not_found', 'lock not found');
    store.state.locks = store.state.locks.filter((x) => x.id !== id);
    audit(ctx, {
      req,
      userId: me.id,
      action: 'admin_force_unlock',
      entityType: 'resource_lock',
      entityId: id,
      entityName: String(lockView(ctx, l).lockroot_path),
    });
    store.commit();
    ok(res);
  });

  return r;
}
