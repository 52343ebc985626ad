// Admin → System info (upstream src/api/routes/admin/system_info.rs).
import { Router } from 'express';
import type { Ctx } from '../../context.js';
import { ok } from '../../http/errors.js';
import { requireAuth } from '../../auth/session.js';
import { BUILD_TIME, VERSION } from '../../services/system.js';

export function adminSystemInfoRoutes(ctx: Ctx): Router {
  const r = Router();
  const admin = requireAuth(ctx, { admin: true });

  r.get('/admin/system-info', admin, async (_req, res) => ok(res, { version: VERSION, build_time: BUILD_TIME }));

  return r;
}
