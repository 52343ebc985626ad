// Admin → Audit logs (upstream src/api/routes/admin/audit_logs.rs).
import { Router } from 'express';
import type { Ctx } from '../../context.js';
import type { AuditRec } from '../../db/types.js';
import { ok } from '../../http/errors.js';
import { qint } from '../../http/body.js';
import { requireAuth } from '../../auth/session.js';
import { userSummary } from '../../services/users.js';
import { page, q, sortBy } from '../util.js';

/** The audit log's user: id, username and profile, no email (recorded contract, AsterDrive 0.5.0). */
function auditUser(u: Parameters<typeof userSummary>[0]): Record<string, unknown> | null {
  const s = userSummary(u);
  if (!s) return null;
  const { email: _email, ...rest } = s;
  return rest;
}

function auditView(ctx: Ctx, a: AuditRec): Record<string, unknown> {
  return {
    id: a.id,
    user: auditUser(ctx.store.state.users.find((u) => u.id === a.userId)),
    action: a.action,
    entity_type: a.entityType,
    entity_id: a.entityId,
    entity_name: a.entityName,
    details: a.details,
    ip_address: a.ip,
    user_agent: a.userAgent,
    created_at: a.createdAt,
  };
}

export function adminAuditLogRoutes(ctx: Ctx): Router {
  const r = Router();
  const store = ctx.store;
  const admin = requireAuth(ctx, { admin: true });

  const AUDIT_SORT: Record<string, (a: AuditRec) => string | number | null> = {
    id: (a) => a.id,
    created_at: (a) => a.createdAt,
    user_id: (a) => a.userId,
    action: (a) => a.action,
    entity_type: (a) => a.entityType,
    entity_name: (a) => a.entityName,
    ip_address: (a) => a.ip,
  };

  r.get('/admin/audit-logs', admin, async (req, res) => {
    let items = store.s.audit;
    const uid = q(req, 'user_id');
    if (uid) items = items.filter((a) => String(a.userId) === uid);
    const action = q(req, 'action');
    if (action) items = items.filter((a) => a.action === action);
    const et = q(req, 'entity_type');
    if (et) items = items.filter((a) => a.entityType === et);
    const eid = q(req, 'entity_id');
    if (eid) items = items.filter((a) => String(a.entityId) === eid);
    const after = Date.parse(q(req, 'after') ?? '');
    if (!Number.isNaN(after)) items = items.filter((a) => Date.parse(a.createdAt) >= after);
    const before = Date.parse(q(req, 'before') ?? '');
    if (!Number.isNaN(before)) items = items.filter((a) => Date.parse(a.createdAt) <= before);
    const key = AUDIT_SORT[q(req, 'sort_by') ?? 'created_at'] ?? AUDIT_SORT.created_at!;
    const order = q(req, 'sort_order') === 'asc' ? 'asc' : 'desc';
    items = sortBy(
      sortBy(items, (a) => a.id, order),
      key,
      order,
    );
    ok(
      res,
      page(
        items.map((a) => auditView(ctx, a)),
        qint(q(req, 'limit'), 50, 200),
        qint(q(req, 'offset'), 0),
      ),
    );
  });

  return r;
}
