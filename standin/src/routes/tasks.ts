// The user's own tasks (upstream src/api/routes/tasks.rs); listTasks serves admin/tasks.ts too, as upstream's list_tasks_response does.
import { Router, type Request } from 'express';
import type { Ctx } from '../context.js';
import type { TaskRec } from '../db/types.js';
import { E, ok } from '../http/errors.js';
import { parseId, qint } from '../http/body.js';
import { authOf, requireAuth } from '../auth/session.js';
import { audit } from '../services/audit.js';
import { taskView } from '../services/tasks.js';
import { page, q, sortBy } from './util.js';

const TASK_SORT: Record<string, (t: TaskRec) => string | number | null> = {
  id: (t) => t.id,
  display_name: (t) => t.displayName,
  kind: (t) => t.kind,
  status: (t) => t.status,
  progress: (t) => t.progressCurrent,
  created_at: (t) => t.createdAt,
  updated_at: (t) => t.updatedAt,
  started_at: (t) => t.startedAt,
  finished_at: (t) => t.finishedAt,
};

/** A filtered, sorted page of tasks (query: kind, status, sort_by, sort_order, limit, offset). */
export function listTasks(ctx: Ctx, req: Request, tasks: TaskRec[], dfltLimit: number) {
  const kind = q(req, 'kind');
  const status = q(req, 'status');
  let items = tasks;
  if (kind) items = items.filter((t) => t.kind === kind);
  if (status) items = items.filter((t) => t.status === status);
  const sb = q(req, 'sort_by') ?? 'updated_at';
  const key = TASK_SORT[sb];
  if (!key) throw E.bad(`invalid sort_by ${sb}`);
  const order = q(req, 'sort_order') === 'asc' ? 'asc' : 'desc';
  items = sortBy(
    sortBy(items, (t) => t.id, order),
    key,
    order,
  );
  return page(
    items.map((t) => taskView(ctx, t)),
    qint(q(req, 'limit'), dfltLimit, 100),
    qint(q(req, 'offset'), 0),
  );
}

export function taskRoutes(ctx: Ctx): Router {
  const r = Router();
  const store = ctx.store;
  const auth = requireAuth(ctx);

  r.get('/tasks', auth, async (req, res) => {
    const { user } = authOf(req);
    ok(
      res,
      listTasks(
        ctx,
        req,
        store.s.tasks.filter((t) => t.creatorUserId === user.id),
        20,
      ),
    );
  });

  r.get('/tasks/:id', auth, async (req, res) => {
    const { user } = authOf(req);
    const t = store.s.tasks.find((x) => x.id === parseId(req.params.id as string));
    if (!t || (t.creatorUserId !== user.id && user.role !== 'admin')) throw E.notFound('not_found', 'task not found');
    ok(res, taskView(ctx, t));
  });

  r.post('/tasks/:id/retry', auth, async (req, res) => {
    const { user } = authOf(req);
    const t = store.s.tasks.find((x) => x.id === parseId(req.params.id as string));
    if (!t || t.creatorUserId !== user.id) throw E.notFound('not_found', 'task not found');
    if (t.status !== 'failed') throw E.bad('only failed tasks can be retried', 'task.retry_not_allowed');
    const n = ctx.tasks.enqueue(t.kind, t.displayName, user.id, t.payload);
    audit(ctx, { req, userId: user.id, action: 'task_retry', entityType: 'task', entityId: t.id });
    store.commit();
    ok(res, taskView(ctx, n));
  });

  return r;
}
