// Admin → Overview (upstream src/api/routes/admin/overview.rs).
import { Router } from 'express';
import type { Ctx } from '../../context.js';
import { ok } from '../../http/errors.js';
import { requireAuth } from '../../auth/session.js';
import { taskView } from '../../services/tasks.js';

export function adminOverviewRoutes(ctx: Ctx): Router {
  const r = Router();
  const store = ctx.store;
  const admin = requireAuth(ctx, { admin: true });

  r.get('/admin/overview', admin, async (_req, res) => {
    const s = store.s;
    ok(res, {
      users: { total: s.users.length, active: s.users.filter((u) => u.status === 'active').length },
      files: { total: s.files.filter((f) => !f.deletedAt).length, bytes: s.files.reduce((n, f) => n + f.size, 0) },
      blobs: { total: s.blobs.length },
      shares: { total: s.shares.length },
      audit: { total: s.audit.length },
      recent_task_events: s.tasks.slice(-10).map((t) => taskView(ctx, t)),
    });
  });

  return r;
}
