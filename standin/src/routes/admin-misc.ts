import { Router } from 'express';
import type { Ctx } from '../context.js';
import type { AuditRec, LockRec, TaskRec, UserRec } from '../db/types.js';
import { E, ok } from '../http/errors.js';
import { bool, denyUnknown, int, parseId, qint, readJson, reqObj, str } from '../http/body.js';
import { authOf, requireAuth } from '../auth/session.js';
import { hashPassword, randomAlnum } from '../auth/password.js';
import { audit } from '../services/audit.js';
import { taskView } from '../services/tasks.js';
import { setupState, BUILD_TIME, VERSION } from '../services/system.js';
import { assertUnique, revokeAllSessions, userInfo, userSummary, validateEmail, validatePassword, validateUsername } from '../services/users.js';
import { folderPathNames, pathString, purgeFolder, purgeFile } from '../services/files.js';
import { lockActive, lockVisible, pruneLocks } from '../services/locks.js';
import { page, q } from './util.js';

function sortBy<T>(items: T[], key: (t: T) => string | number | null, order: 'asc' | 'desc'): T[] {
  const dir = order === 'asc' ? 1 : -1;
  return [...items].sort((a, b) => {
    const x = key(a) ?? '';
    const y = key(b) ?? '';
    return x < y ? -dir : x > y ? dir : 0;
  });
}

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

export function adminMiscRoutes(ctx: Ctx): Router {
  const r = Router();
  const store = ctx.store;
  const admin = requireAuth(ctx, { admin: true });
  const auth = requireAuth(ctx);

  // ---- users ----
  function userRec(id: number): UserRec {
    const u = store.s.users.find((x) => x.id === id);
    if (!u) throw E.notFound('not_found', 'user not found');
    return u;
  }

  r.post('/admin/users', admin, async (req, res) => {
    const { user: me } = authOf(req);
    const body = reqObj(await readJson(req));
    if (setupState(ctx) !== 'ready') throw E.bad('system is not initialized', 'validation.system_not_initialized');
    const username = validateUsername(body.username);
    const email = validateEmail(body.email);
    let password = typeof body.password === 'string' && body.password.trim() ? body.password : null;
    let generated: string | undefined;
    if (password === null) {
      generated = randomAlnum(24);
      password = generated;
    } else validatePassword(password);
    assertUnique(ctx, username, email);
    const { newUser } = await import('../services/users.js');
    const u = newUser(ctx, { username, email, passwordHash: await hashPassword(password), role: 'user' });
    u.mustChangePassword = generated !== undefined || bool(body, 'must_change_password') === true;
    audit(ctx, { req, userId: me.id, action: 'admin_create_user', entityType: 'user', entityId: u.id, entityName: u.username });
    store.commit();
    const data: Record<string, unknown> = { user: userInfo(ctx, u) };
    if (generated) data.generated_password = generated;
    ok(res, data, 201);
  });

  r.get('/admin/users', admin, async (req, res) => {
    let users = store.s.users;
    const kw = q(req, 'keyword')?.toLowerCase();
    if (kw) users = users.filter((u) => u.username.toLowerCase().includes(kw) || u.email.toLowerCase().includes(kw));
    const role = q(req, 'role');
    if (role) users = users.filter((u) => u.role === role);
    const status = q(req, 'status');
    if (status) users = users.filter((u) => u.status === status);
    ok(
      res,
      page(
        users.map((u) => userInfo(ctx, u)),
        qint(q(req, 'limit'), 50, 100),
        qint(q(req, 'offset'), 0),
      ),
    );
  });

  r.get('/admin/users/:id', admin, async (req, res) => ok(res, userInfo(ctx, userRec(parseId(req.params.id as string)))));

  r.patch('/admin/users/:id', admin, async (req, res) => {
    const { user: me } = authOf(req);
    const u = userRec(parseId(req.params.id as string));
    const body = reqObj(await readJson(req));
    denyUnknown(body, ['email_verified', 'role', 'status', 'must_change_password', 'storage_quota', 'policy_group_id', 'email', 'username']);
    const ev = bool(body, 'email_verified');
    if (ev !== undefined) u.emailVerified = ev;
    if (body.role !== undefined) {
      if (body.role !== 'admin' && body.role !== 'user') throw E.bad('invalid role');
      u.role = body.role;
    }
    if (body.status !== undefined) {
      if (body.status !== 'active' && body.status !== 'disabled') throw E.bad('invalid status');
      u.status = body.status;
      if (u.status === 'disabled') revokeAllSessions(ctx, u);
    }
    const mcp = bool(body, 'must_change_password');
    if (mcp !== undefined) u.mustChangePassword = mcp;
    const quota = int(body, 'storage_quota');
    if (quota !== undefined) {
      if (quota < 0) throw E.bad('storage_quota must be >= 0');
      u.storageQuota = quota;
    }
    if ('policy_group_id' in body) {
      const gid = int(body, 'policy_group_id');
      if (gid === undefined) throw E.bad('policy_group_id must not be null');
      if (!store.s.policyGroups.some((g) => g.id === gid)) throw E.notFound('not_found', 'policy group not found');
      u.policyGroupId = gid;
    }
    if (typeof body.email === 'string') {
      const e = validateEmail(body.email);
      assertUnique(ctx, u.username, e, u.id);
      u.email = e;
    }
    u.updatedAt = new Date().toISOString();
    audit(ctx, { req, userId: me.id, action: 'admin_update_user', entityType: 'user', entityId: u.id, entityName: u.username });
    store.commit();
    ok(res, userInfo(ctx, u));
  });

  r.put('/admin/users/:id/password', admin, async (req, res) => {
    const { user: me } = authOf(req);
    const u = userRec(parseId(req.params.id as string));
    const body = reqObj(await readJson(req));
    u.passwordHash = await hashPassword(validatePassword(str(body, 'password')));
    revokeAllSessions(ctx, u);
    audit(ctx, { req, userId: me.id, action: 'admin_reset_user_password', entityType: 'user', entityId: u.id, entityName: u.username });
    store.commit();
    ok(res, userInfo(ctx, u));
  });

  r.post('/admin/users/:id/sessions/revoke', admin, async (req, res) => {
    const { user: me } = authOf(req);
    const u = userRec(parseId(req.params.id as string));
    revokeAllSessions(ctx, u);
    audit(ctx, { req, userId: me.id, action: 'admin_revoke_user_sessions', entityType: 'user', entityId: u.id, entityName: u.username });
    store.commit();
    ok(res);
  });

  r.delete('/admin/users/:id', admin, async (req, res) => {
    const { user: me } = authOf(req);
    const u = userRec(parseId(req.params.id as string));
    if (u.id === me.id) throw E.bad('cannot delete yourself');
    if (u.role === 'admin' && store.s.users.filter((x) => x.role === 'admin').length <= 1) throw E.bad('cannot delete the last admin');
    for (const f of store.state.folders.filter((x) => x.ownerUserId === u.id && x.parentId === null)) await purgeFolder(ctx, f);
    for (const f of store.state.files.filter((x) => x.ownerUserId === u.id)) await purgeFile(ctx, f);
    const s = store.state;
    s.users = s.users.filter((x) => x.id !== u.id);
    s.sessions = s.sessions.filter((x) => x.userId !== u.id);
    s.shares = s.shares.filter((x) => x.userId !== u.id);
    s.webdavAccounts = s.webdavAccounts.filter((x) => x.userId !== u.id);
    s.locks = s.locks.filter((x) => x.userId !== u.id);
    s.uploads = s.uploads.filter((x) => x.userId !== u.id);
    s.contactTokens = s.contactTokens.filter((x) => x.userId !== u.id);
    audit(ctx, { req, userId: me.id, action: 'admin_force_delete_user', entityType: 'user', entityId: u.id, entityName: u.username });
    store.commit();
    ok(res);
  });

  // ---- tasks ----
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

  function listTasks(req: Parameters<typeof q>[0], tasks: TaskRec[], dfltLimit: number) {
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

  r.get('/admin/tasks', admin, async (req, res) => ok(res, listTasks(req, store.s.tasks, 20)));

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

  r.get('/tasks', auth, async (req, res) => {
    const { user } = authOf(req);
    ok(
      res,
      listTasks(
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

  // ---- audit logs ----
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

  // ---- locks ----
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

  // ---- system info ----
  r.get('/admin/system-info', admin, async (_req, res) => ok(res, { version: VERSION, build_time: BUILD_TIME }));

  // A single-node stand-in: no follower (remote) nodes are ever enrolled.
  r.get('/admin/remote-nodes', admin, async (req, res) =>
    ok(res, { items: [], total: 0, limit: qint(req.query.limit, 50, 100), offset: qint(req.query.offset, 0) }),
  );

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
