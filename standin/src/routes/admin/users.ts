// Admin → Users (upstream src/api/routes/admin/users.rs).
import { Router } from 'express';
import type { Ctx } from '../../context.js';
import type { UserRec } from '../../db/types.js';
import { E, ok } from '../../http/errors.js';
import { bool, denyUnknown, int, parseId, qint, readJson, reqObj, str } from '../../http/body.js';
import { authOf, requireAuth } from '../../auth/session.js';
import { hashPassword, randomAlnum } from '../../auth/password.js';
import { audit } from '../../services/audit.js';
import { setupState } from '../../services/system.js';
import { assertUnique, newUser, revokeAllSessions, userInfo, validateEmail, validatePassword, validateUsername } from '../../services/users.js';
import { purgeFolder, purgeFile } from '../../services/files.js';
import { page, q } from '../util.js';

export function adminUserRoutes(ctx: Ctx): Router {
  const r = Router();
  const store = ctx.store;
  const admin = requireAuth(ctx, { admin: true });

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

  return r;
}
