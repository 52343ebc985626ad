// Admin → Teams (upstream src/api/routes/admin/teams.rs).
/**
 * As far as the launch checks read it: list (archived filter, offset paging), create, read, patch quota / policy group, archive.
 * Members, team workspaces and team audit logs are not modelled (KNOWN-GAPS.md).
 */
import { Router } from 'express';
import type { Ctx } from '../../context.js';
import type { TeamRec } from '../../db/types.js';
import { E, ok } from '../../http/errors.js';
import { denyUnknown, int, parseId, qint, readJson, reqObj } from '../../http/body.js';
import { authOf, requireAuth } from '../../auth/session.js';
import { audit } from '../../services/audit.js';
import { getNum } from '../../services/settings.js';
import { userSummary } from '../../services/users.js';
import { page, q } from '../util.js';

const now = () => new Date().toISOString();

export function adminTeamRoutes(ctx: Ctx): Router {
  const r = Router();
  const store = ctx.store;
  const admin = requireAuth(ctx, { admin: true });

  function view(t: TeamRec): Record<string, unknown> {
    const creator = store.state.users.find((u) => u.id === t.createdBy);
    return {
      id: t.id,
      name: t.name,
      description: t.description,
      created_by: userSummary(creator),
      member_count: 1,
      storage_used: 0,
      storage_quota: t.storageQuota,
      policy_group_id: t.policyGroupId,
      created_at: t.createdAt,
      updated_at: t.updatedAt,
      ...(t.archivedAt ? { archived_at: t.archivedAt } : {}),
    };
  }
  function team(id: number): TeamRec {
    const t = store.s.teams.find((x) => x.id === id);
    if (!t) throw E.notFound('not_found', 'team not found');
    return t;
  }
  function usableGroup(id: number): number {
    const g = store.s.policyGroups.find((x) => x.id === id);
    if (!g) throw E.bad('policy group not found');
    if (!g.is_enabled) throw E.bad('policy group is disabled');
    return g.id;
  }
  function quota(v: number | undefined): number | undefined {
    if (v !== undefined && v < 0) throw E.bad('storage_quota must be non-negative');
    return v;
  }

  r.get('/admin/teams', admin, async (req, res) => {
    const archived = q(req, 'archived') === 'true';
    const items = store.s.teams.filter((t) => (t.archivedAt !== null) === archived).sort((a, b) => b.id - a.id);
    ok(res, page(items.map(view), qint(q(req, 'limit'), 50, 100), qint(q(req, 'offset'), 0)));
  });

  r.post('/admin/teams', admin, async (req, res) => {
    const { user } = authOf(req);
    const body = reqObj(await readJson(req));
    denyUnknown(body, ['name', 'description', 'admin_user_id', 'admin_identifier', 'storage_quota', 'policy_group_id']);
    const name = typeof body.name === 'string' ? body.name.trim() : '';
    if (!name) throw E.bad('team name must not be blank');
    const adminId = int(body, 'admin_user_id');
    const ident = typeof body.admin_identifier === 'string' ? body.admin_identifier.trim() : '';
    if ((adminId === undefined) === !ident)
      throw E.bad(adminId === undefined ? 'user_id or identifier is required' : 'specify either user_id or identifier, not both');
    const teamAdmin = store.s.users.find((u) => (adminId !== undefined ? u.id === adminId : u.username === ident || u.email === ident));
    if (!teamAdmin) throw E.bad('team admin user not found');
    const groupId = int(body, 'policy_group_id');
    const t: TeamRec = {
      id: store.nextId('teams'),
      name,
      description: typeof body.description === 'string' ? body.description : '',
      createdBy: user.id,
      storageQuota: quota(int(body, 'storage_quota')) ?? getNum(store, 'default_storage_quota'),
      policyGroupId: groupId !== undefined ? usableGroup(groupId) : (store.s.policyGroups.find((g) => g.is_default)?.id ?? null),
      createdAt: now(),
      updatedAt: now(),
      archivedAt: null,
    };
    store.state.teams.push(t);
    audit(ctx, { req, userId: user.id, action: 'admin_create_team', entityType: 'team', entityId: t.id, entityName: t.name });
    store.commit();
    ok(res, view(t), 201);
  });

  r.get('/admin/teams/:id', admin, async (req, res) => ok(res, view(team(parseId(req.params.id as string)))));

  r.patch('/admin/teams/:id', admin, async (req, res) => {
    const { user } = authOf(req);
    const t = team(parseId(req.params.id as string));
    const body = reqObj(await readJson(req));
    denyUnknown(body, ['name', 'description', 'storage_quota', 'policy_group_id']);
    if (typeof body.name === 'string' && body.name.trim()) t.name = body.name.trim();
    if (typeof body.description === 'string') t.description = body.description;
    const sq = quota(int(body, 'storage_quota'));
    if (sq !== undefined) t.storageQuota = sq;
    const groupId = int(body, 'policy_group_id');
    if (groupId !== undefined) t.policyGroupId = usableGroup(groupId);
    t.updatedAt = now();
    audit(ctx, { req, userId: user.id, action: 'admin_update_team', entityType: 'team', entityId: t.id, entityName: t.name });
    store.commit();
    ok(res, view(t));
  });

  r.delete('/admin/teams/:id', admin, async (req, res) => {
    const { user } = authOf(req);
    const t = team(parseId(req.params.id as string));
    t.archivedAt = now();
    audit(ctx, { req, userId: user.id, action: 'admin_archive_team', entityType: 'team', entityId: t.id, entityName: t.name });
    store.commit();
    ok(res);
  });

  return r;
}
