import type { Request } from 'express';
import type { Ctx } from '../context.js';
import { clientIp, userAgent } from '../http/request.js';
import { getArr, getBool } from './settings.js';

export interface AuditInput {
  req?: Request | null;
  userId: number | null;
  action: string;
  entityType: string;
  entityId?: number | null;
  entityName?: string | null;
  details?: Record<string, unknown> | null;
}

/** Records an audit entry unless `audit_log_enabled` is false or the action is filtered out. Caller commits. */
export function audit(ctx: Ctx, a: AuditInput): void {
  const store = ctx.store;
  if (!getBool(store, 'audit_log_enabled')) return;
  if (!getArr(store, 'audit_log_recorded_actions').includes(a.action)) return;
  store.state.audit.push({
    id: store.nextId('audit'),
    userId: a.userId,
    action: a.action,
    entityType: a.entityType,
    entityId: a.entityId ?? null,
    entityName: a.entityName ?? null,
    details: a.details ? JSON.stringify(a.details) : null,
    ip: a.req ? clientIp(a.req) : null,
    userAgent: a.req ? userAgent(a.req) || null : null,
    createdAt: new Date().toISOString(),
  });
}
