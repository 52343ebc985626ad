// Admin → Tasks (upstream src/api/routes/admin/tasks.rs).
import { Router } from 'express';
import type { Ctx } from '../../context.js';
import { E, ok } from '../../http/errors.js';
import { readJson, reqObj, str } from '../../http/body.js';
import { authOf, requireAuth } from '../../auth/session.js';
import { audit } from '../../services/audit.js';
import { listTasks } from '../tasks.js';

export function adminTaskRoutes(ctx: Ctx): Router {
  const r = Router();
  const store = ctx.store;
  const admin = requireAuth(ctx, { admin: true });

  r.get('/admin/tasks', admin, async (req, res) => ok(res, listTasks(ctx, req, store.s.tasks, 20)));

  r.post('/admin/tasks/cleanup', admin, async (req, res) => {
    const { user: me } = authOf(req);
    const body = reqObj(await readJson(req));
    const before = Date.parse(str(body, 'finished_before')!);
    if (Number.isNaN(before)) throw E.bad('invalid finished_before');
    const n0 = store.state.tasks.length;
    store.state.tasks = store.state.tasks.filter(
      (t) => !(t.finishedAt && Date.parse(t.finishedAt) < before && (!body.kind || t.kind === body.kind) && (!body.status || t.status === body.status)),
    );
    const removed = n0 - store.state.tasks.length;
    audit(ctx, { req, userId: me.id, action: 'admin_cleanup_tasks', entityType: 'task', details: { removed } });
    store.commit();
    ok(res, { removed });
  });

  return r;
}
