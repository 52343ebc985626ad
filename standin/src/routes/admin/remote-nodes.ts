// Admin → Remote nodes, the list only (upstream src/api/routes/admin/remote_nodes.rs).
import { Router } from 'express';
import type { Ctx } from '../../context.js';
import { ok } from '../../http/errors.js';
import { qint } from '../../http/body.js';
import { requireAuth } from '../../auth/session.js';

export function adminRemoteNodeRoutes(ctx: Ctx): Router {
  const r = Router();
  const admin = requireAuth(ctx, { admin: true });

  // A single-node stand-in: no follower (remote) nodes are ever enrolled.
  r.get('/admin/remote-nodes', admin, async (req, res) =>
    ok(res, { items: [], total: 0, limit: qint(req.query.limit, 50, 100), offset: qint(req.query.offset, 0) }),
  );

  return r;
}
