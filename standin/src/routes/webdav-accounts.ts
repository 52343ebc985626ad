// WebDAV accounts and settings (upstream src/api/routes/webdav_accounts.rs).
import { Router } from 'express';
import type { Ctx } from '../context.js';
import type { WebdavAccountRec } from '../db/types.js';
import { E, ok } from '../http/errors.js';
import { parseId, qint, readJson, reqObj, str } from '../http/body.js';
import { ownOrigin } from '../http/request.js';
import { hashPassword, randomAlnum, verifyPassword } from '../auth/password.js';
import { authOf, requireAuth } from '../auth/session.js';
import { audit } from '../services/audit.js';
import { folderPathNames, getFolder } from '../services/files.js';
import { getArr } from '../services/settings.js';
import { userSummary } from '../services/users.js';
import { page, q } from './util.js';

/** Public origin for request-bound URLs: exact match of the request origin, else the first entry (upstream src/config/site_url.rs). */
export function publicOriginFor(ctx: Ctx, req: Parameters<typeof ownOrigin>[0]): string | null {
  const list = getArr(ctx.store, 'public_site_url');
  if (list.length === 0) return null;
  const own = ownOrigin(req);
  return list.find((o) => o === own) ?? list[0]!;
}

export function webdavAccountRoutes(ctx: Ctx): Router {
  const r = Router();
  const store = ctx.store;
  const auth = requireAuth(ctx);

  const info = (a: WebdavAccountRec) => ({
    id: a.id,
    username: a.username,
    user_id: a.userId,
    user: userSummary(store.state.users.find((u) => u.id === a.userId)),
    team_id: null,
    root_folder_id: a.rootFolderId,
    root_folder_path: a.rootFolderId === null ? null : `/${folderPathNames(ctx, a.rootFolderId).join('/')}`,
    is_active: a.isActive,
    created_at: a.createdAt,
    updated_at: a.updatedAt,
  });

  r.get('/webdav-accounts/settings', auth, async (req, res) => {
    const prefix = ctx.cfg.webdavPrefix;
    const origin = publicOriginFor(ctx, req);
    ok(res, { prefix, endpoint: `${origin ?? ''}${prefix}/` });
  });

  r.post('/webdav-accounts/test', auth, async (req, res) => {
    const body = reqObj(await readJson(req));
    const username = str(body, 'username')!;
    const password = str(body, 'password')!;
    const a = store.s.webdavAccounts.find((x) => x.username === username && x.isActive);
    if (!a || !(await verifyPassword(password, a.passwordHash))) throw E.unauthorized('auth.credentials_failed', 'Invalid Credentials');
    ok(res);
  });

  r.get('/webdav-accounts', auth, async (req, res) => {
    const { user } = authOf(req);
    const items = store.s.webdavAccounts.filter((a) => a.userId === user.id).map(info);
    ok(res, page(items, qint(q(req, 'limit'), 50, 100), qint(q(req, 'offset'), 0)));
  });

  r.post('/webdav-accounts', auth, async (req, res) => {
    const { user } = authOf(req);
    const body = reqObj(await readJson(req));
    const username = typeof body.username === 'string' ? body.username.trim() : '';
    if (!username) throw E.bad('username must not be blank');
    if (store.s.webdavAccounts.some((a) => a.username === username)) throw E.bad('WebDAV username already exists', 'webdav.username_exists');
    let root: number | null = null;
    if (body.root_folder_id !== undefined && body.root_folder_id !== null) {
      if (typeof body.root_folder_id !== 'number' || body.root_folder_id < 1) throw E.bad('invalid root_folder_id');
      root = getFolder(ctx, user, body.root_folder_id).id;
    }
    const password = typeof body.password === 'string' && body.password !== '' ? body.password : randomAlnum(16);
    const now = new Date().toISOString();
    const a: WebdavAccountRec = {
      id: store.nextId('webdavAccounts'),
      userId: user.id,
      username,
      passwordHash: await hashPassword(password),
      rootFolderId: root,
      isActive: true,
      createdAt: now,
      updatedAt: now,
    };
    store.state.webdavAccounts.push(a);
    audit(ctx, { req, userId: user.id, action: 'webdav_account_create', entityType: 'webdav_account', entityId: a.id, entityName: username });
    store.commit();
    ctx.vfsCacheClear?.();
    ok(res, { id: a.id, username, team_id: null, password, root_folder_path: info(a).root_folder_path }, 201);
  });

  const mine = (userId: number, id: number) => {
    const a = store.s.webdavAccounts.find((x) => x.id === id && x.userId === userId);
    if (!a) throw E.notFound('not_found', 'WebDAV account not found');
    return a;
  };

  r.delete('/webdav-accounts/:id', auth, async (req, res) => {
    const { user } = authOf(req);
    const a = mine(user.id, parseId(req.params.id as string));
    store.state.webdavAccounts = store.state.webdavAccounts.filter((x) => x !== a);
    audit(ctx, { req, userId: user.id, action: 'webdav_account_delete', entityType: 'webdav_account', entityId: a.id, entityName: a.username });
    store.commit();
    ctx.vfsCacheClear?.();
    ok(res);
  });

  r.post('/webdav-accounts/:id/toggle', auth, async (req, res) => {
    const { user } = authOf(req);
    const a = mine(user.id, parseId(req.params.id as string));
    a.isActive = !a.isActive;
    a.updatedAt = new Date().toISOString();
    audit(ctx, { req, userId: user.id, action: 'webdav_account_toggle', entityType: 'webdav_account', entityId: a.id, entityName: a.username });
    store.commit();
    ctx.vfsCacheClear?.();
    ok(res, {
      id: a.id,
      user_id: a.userId,
      team_id: null,
      username: a.username,
      root_folder_id: a.rootFolderId,
      is_active: a.isActive,
      created_at: a.createdAt,
      updated_at: a.updatedAt,
    });
  });

  return r;
}
