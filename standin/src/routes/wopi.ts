// WOPI host endpoints under /wopi (upstream src/api/routes/wopi.rs) and /files/:id/wopi/open (upstream src/api/routes/files/access.rs).
import crypto from 'node:crypto';
import { Router, type Request, type Response, type NextFunction } from 'express';
import type { Ctx } from '../context.js';
import type { FileRec, LockRec, UserRec, WopiSessionRec } from '../db/types.js';
import type { PreviewApp } from '../services/preview-apps.js';
import { ApiError, E, ok } from '../http/errors.js';
import { parseId, readJson, reqObj, str } from '../http/body.js';
import { authOf, requireAuth } from '../auth/session.js';
import { audit } from '../services/audit.js';
import { createFile, fileNameTaken, folderNameTaken, getFile, overwriteFile, readFile, streamToTemp, uniqueName, validateName } from '../services/files.js';
import { getArr, getNum } from '../services/settings.js';
import { fetchDiscovery } from '../services/wopi-discovery.js';
import {
  checkWopiSource,
  decodeUtf7,
  discoveryActionUrl,
  expandActionUrl,
  findApp,
  hashWopiToken,
  newWopiSession,
  proofKeyFor,
  verifyProof,
  wopiConflict,
  wopiLocks,
} from '../services/wopi.js';
import { publicOriginFor } from './webdav-accounts.js';
import { extensionOf } from '../util/mime.js';

interface WopiCtx {
  session: WopiSessionRec;
  token: string;
  user: UserRec;
  file: FileRec;
  app: PreviewApp;
}

const W = new WeakMap<Request, WopiCtx>();

type WopiOperation = (ctx: Ctx, req: Request, res: Response, w: WopiCtx) => Promise<void>;

function lockHeader(req: Request): string | undefined {
  return typeof req.headers['x-wopi-lock'] === 'string' ? (req.headers['x-wopi-lock'] as string) : undefined;
}

function validLock(v: string | undefined): string {
  if (v === undefined || v === '' || v.length > 1024 || !/^[\x20-\x7e]*$/.test(v)) throw E.bad('invalid X-WOPI-Lock header');
  return v;
}

/** The lock value a WOPI client set on a lock record. */
function lockOf(l: LockRec): string {
  return String((l.ownerInfo as { lock?: string }).lock ?? '');
}

/** When a WOPI lock taken or refreshed now runs out (setting wopi_lock_ttl_secs). */
function lockTimeout(ctx: Ctx): string {
  return new Date(Date.now() + getNum(ctx.store, 'wopi_lock_ttl_secs') * 1000).toISOString();
}

/** LOCK: take the lock, refresh our own, or swap it for a new value (X-WOPI-OldLock). */
async function wopiLock(ctx: Ctx, req: Request, res: Response, { user, file, app }: WopiCtx): Promise<void> {
  const store = ctx.store;
  const value = validLock(lockHeader(req));
  const oldHdr = req.headers['x-wopi-oldlock'];
  const { wopi, outside } = wopiLocks(ctx, file);
  if (outside) throw wopiConflict('', 'file is locked outside WOPI');
  const cur = wopi ? lockOf(wopi) : null;
  if (typeof oldHdr === 'string' && oldHdr !== '') {
    if (!wopi) throw wopiConflict('', 'file is not locked');
    if (cur !== oldHdr) throw wopiConflict(cur ?? '', 'WOPI lock mismatch');
    wopi.ownerInfo = { kind: 'wopi', app_key: app.key, lock: value };
    wopi.timeoutAt = lockTimeout(ctx);
  } else if (wopi) {
    if (cur !== value) throw wopiConflict(cur ?? '', 'file is locked by another WOPI session');
    wopi.timeoutAt = lockTimeout(ctx);
  } else {
    store.state.locks.push({
      id: store.nextId('locks'),
      token: `urn:uuid:${crypto.randomUUID()}`,
      userId: user.id,
      fileId: file.id,
      folderId: null,
      rootUserId: null,
      depth: 'resource',
      mode: 'exclusive',
      origin: 'wopi',
      ownerInfo: { kind: 'wopi', app_key: app.key, lock: value },
      timeoutAt: lockTimeout(ctx),
      createdAt: new Date().toISOString(),
    });
    audit(ctx, { req, userId: user.id, action: 'file_lock', entityType: 'file', entityId: file.id, entityName: file.name, details: { via: 'wopi' } });
  }
  store.commit();
  res.status(200).end();
}

/** UNLOCK and REFRESH_LOCK: only with the lock's own value. */
function wopiUnlockOrRefresh(unlock: boolean): WopiOperation {
  return async (ctx, req, res, { user, file }) => {
    const store = ctx.store;
    const value = validLock(lockHeader(req));
    const { wopi, outside } = wopiLocks(ctx, file);
    if (outside) throw wopiConflict('', 'file is locked outside WOPI');
    if (!wopi) throw wopiConflict('', 'file is not locked');
    const cur = lockOf(wopi);
    if (cur !== value) throw wopiConflict(cur, 'WOPI lock mismatch');
    if (unlock) {
      store.state.locks = store.state.locks.filter((l) => l !== wopi);
      audit(ctx, { req, userId: user.id, action: 'file_unlock', entityType: 'file', entityId: file.id, entityName: file.name, details: { via: 'wopi' } });
    } else wopi.timeoutAt = lockTimeout(ctx);
    store.commit();
    res.setHeader('X-WOPI-ItemVersion', file.etag);
    res.status(200).end();
  };
}

async function wopiGetLock(ctx: Ctx, _req: Request, res: Response, { file }: WopiCtx): Promise<void> {
  const { wopi, outside } = wopiLocks(ctx, file);
  if (outside) throw wopiConflict('', 'file is locked outside WOPI');
  res.setHeader('X-WOPI-Lock', wopi ? lockOf(wopi) : '');
  res.status(200).end();
}

async function wopiPutUserInfo(ctx: Ctx, req: Request, res: Response, { user }: WopiCtx): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('latin1');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: PutUserInfo accepts ASCII only (upstream src/services/preview/wopi/operations.rs)
  if (text.length > 1024 || !/^[\x00-\x7f]*$/.test(text)) throw E.bad('invalid user info');
  user.wopiUserInfo = text;
  audit(ctx, { req, userId: user.id, action: 'user_update_wopi_info', entityType: 'user', entityId: user.id, entityName: user.username });
  ctx.store.commit();
  res.status(200).end();
}

async function wopiRenameFile(ctx: Ctx, req: Request, res: Response, { user, file }: WopiCtx): Promise<void> {
  const lockHdr = lockHeader(req);
  const { wopi } = wopiLocks(ctx, file);
  if (wopi && lockHdr !== undefined && lockHdr !== lockOf(wopi)) throw wopiConflict(String((wopi.ownerInfo as { lock?: string }).lock), 'WOPI lock mismatch');
  const requested = req.headers['x-wopi-requestedname'];
  const stem =
    typeof requested === 'string'
      ? decodeUtf7(requested)
          // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are not allowed in names
          .replace(/[/\\:*?"<>|\x00-\x1f]/g, '')
          .trim()
      : '';
  if (!stem) {
    res.setHeader('X-WOPI-InvalidFileNameError', 'invalid file name');
    throw E.bad('invalid file name');
  }
  const ext = extensionOf(file.name);
  const name = uniqueName(
    ext ? `${stem}.${ext}` : stem,
    (n) => fileNameTaken(ctx, user.id, file.folderId, n, file.id) || folderNameTaken(ctx, user.id, file.folderId, n),
  );
  file.name = name;
  file.updatedAt = new Date().toISOString();
  audit(ctx, { req, userId: user.id, action: 'file_rename', entityType: 'file', entityId: file.id, entityName: name, details: { via: 'wopi' } });
  ctx.store.commit();
  res.json({ Name: ext ? name.slice(0, -(ext.length + 1)) : name });
}

/** PUT_RELATIVE's target: a new name from X-WOPI-SuggestedTarget, or X-WOPI-RelativeTarget (maybe an existing file to overwrite). */
function relativeTarget(ctx: Ctx, req: Request, { user, file }: WopiCtx): { name: string; target?: FileRec } {
  const sugg = req.headers['x-wopi-suggestedtarget'];
  const rel = req.headers['x-wopi-relativetarget'];
  if ((typeof sugg === 'string') === (typeof rel === 'string')) throw E.bad('exactly one of X-WOPI-SuggestedTarget or X-WOPI-RelativeTarget is required');
  const overwrite = String(req.headers['x-wopi-overwriterelativetarget'] ?? 'false').toLowerCase() === 'true';
  const taken = (n: string) => fileNameTaken(ctx, user.id, file.folderId, n) || folderNameTaken(ctx, user.id, file.folderId, n);
  if (typeof sugg === 'string') {
    const s = decodeUtf7(sugg);
    const dot = file.name.lastIndexOf('.');
    const name = s.startsWith('.') ? `${dot > 0 ? file.name.slice(0, dot) : file.name}${s}` : s;
    return { name: uniqueName(validateName(name, 'file'), taken) };
  }
  const name = validateName(decodeUtf7(rel as string), 'file');
  if (name === file.name) throw E.bad('relative target equals the source');
  const target = ctx.store.s.files.find(
    (f) => f.ownerUserId === user.id && f.folderId === file.folderId && !f.deletedAt && f.name.toLowerCase() === name.toLowerCase(),
  );
  if (target && !overwrite) {
    const e = wopiConflict('', 'relative target exists');
    e.headers['X-WOPI-ValidRelativeTarget'] = uniqueName(name, taken);
    throw e;
  }
  if (target && wopiLocks(ctx, target).all.length > 0) throw wopiConflict('', 'relative target is locked');
  return { name, target };
}

/** PUT_RELATIVE: the body becomes a new file next to this one (or overwrites the relative target); answers its WOPI URL. */
async function wopiPutRelative(ctx: Ctx, req: Request, res: Response, w: WopiCtx): Promise<void> {
  const store = ctx.store;
  const { user, file, session } = w;
  const { name, target } = relativeTarget(ctx, req, w);
  const temp = await streamToTemp(ctx, req);
  const size = req.headers['x-wopi-size'];
  if (typeof size === 'string' && Number(size) !== temp.size) throw E.bad('X-WOPI-Size does not match the body');
  let out: FileRec;
  if (target) {
    await overwriteFile(ctx, user, target, temp, 'overwrite');
    out = target;
    audit(ctx, { req, userId: user.id, action: 'file_edit', entityType: 'file', entityId: out.id, entityName: out.name, details: { via: 'wopi' } });
  } else {
    out = await createFile(ctx, user, { folderId: file.folderId, name, temp, autoRename: false });
    audit(ctx, { req, userId: user.id, action: 'file_upload', entityType: 'file', entityId: out.id, entityName: out.name, details: { via: 'wopi' } });
  }
  const { token } = newWopiSession(ctx, user.id, user.sessionVersion, out.id, session.appKey, getNum(store, 'wopi_access_token_ttl_secs'));
  store.commit();
  const origin = publicOriginFor(ctx, req) ?? getArr(store, 'public_site_url')[0] ?? '';
  res.json({ Name: out.name, Url: `${origin}/api/v1/wopi/files/${out.id}?access_token=${encodeURIComponent(token)}` });
}

const WOPI_OVERRIDES = new Map<string, WopiOperation>([
  ['LOCK', wopiLock],
  ['UNLOCK', wopiUnlockOrRefresh(true)],
  ['REFRESH_LOCK', wopiUnlockOrRefresh(false)],
  ['GET_LOCK', wopiGetLock],
  ['PUT_USER_INFO', wopiPutUserInfo],
  ['RENAME_FILE', wopiRenameFile],
  ['PUT_RELATIVE', wopiPutRelative],
]);

export function wopiRoutes(ctx: Ctx): Router {
  const r = Router();
  const store = ctx.store;
  const auth = requireAuth(ctx);

  r.post('/files/:id/wopi/open', auth, async (req, res) => {
    const { user, claims } = authOf(req);
    const file = getFile(ctx, user, parseId(req.params.id as string));
    const body = reqObj(await readJson(req));
    const key = str(body, 'app_key')!;
    const origin = publicOriginFor(ctx, req);
    if (!origin) throw E.bad('public_site_url must be configured for WOPI', 'wopi.public_site_url_required');
    const app = findApp(ctx, key);
    if (app?.provider !== 'wopi' || !app.enabled) throw E.notFound('not_found', 'preview app not found');
    const c = app.config;
    const wopiSrc = `${origin}/api/v1/wopi/files/${file.id}`;
    let actionUrl: string;
    const tpl =
      typeof c.action_url === 'string' && c.action_url
        ? c.action_url
        : typeof c.action_url_template === 'string' && c.action_url_template
          ? c.action_url_template
          : null;
    if (tpl) actionUrl = expandActionUrl(tpl, wopiSrc);
    else if (typeof c.discovery_url === 'string' && c.discovery_url) {
      const doc = await fetchDiscovery(ctx, c.discovery_url);
      actionUrl = discoveryActionUrl(doc, typeof c.action === 'string' ? c.action : 'edit', file, wopiSrc);
    } else throw E.bad(`WOPI app ${key} requires config.action_url or config.discovery_url`);
    const ttl = getNum(store, 'wopi_access_token_ttl_secs');
    const { token, rec } = newWopiSession(ctx, user.id, user.sessionVersion, file.id, key, ttl);
    void claims;
    audit(ctx, { req, userId: user.id, action: 'file_wopi_open', entityType: 'file', entityId: file.id, entityName: file.name, details: { app_key: key } });
    store.commit();
    const data: Record<string, unknown> = { access_token: token, access_token_ttl: rec.expiresAt, action_url: actionUrl, mode: c.mode ?? 'iframe' };
    if (c.form_fields && typeof c.form_fields === 'object') data.form_fields = c.form_fields;
    ok(res, data);
  });

  // ---- host endpoints ----
  const host = Router();
  host.use('/wopi', (_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });

  const wopiAuth = async (req: Request, _res: Response, next: NextFunction) => {
    const hdr = req.headers['x-wopi-token'];
    const token = typeof hdr === 'string' && hdr.trim() ? hdr.trim() : typeof req.query.access_token === 'string' ? req.query.access_token.trim() : '';
    if (!token) throw E.bad('WOPI access token is required');
    const session = store.s.wopiSessions.find((s) => s.tokenHash === hashWopiToken(token));
    if (!session) throw E.unauthorized('auth.token_invalid', 'invalid WOPI access token');
    if (session.expiresAt <= Date.now()) {
      store.state.wopiSessions = store.state.wopiSessions.filter((s) => s !== session);
      store.commit();
      throw E.unauthorized('auth.token_expired', 'WOPI access token expired');
    }
    if (String(session.fileId) !== req.params.id) throw E.notFound('file.not_found', 'file not found');
    const user = store.s.users.find((u) => u.id === session.userId);
    if (!user) throw E.unauthorized('auth.token_invalid', 'invalid WOPI access token');
    if (user.status !== 'active') throw E.forbidden('account is disabled', 'auth.account_disabled');
    if (user.sessionVersion !== session.sessionVersion) throw E.unauthorized('auth.token_invalid', 'session revoked');
    const app = findApp(ctx, session.appKey);
    if (!app?.enabled || app.provider !== 'wopi') throw E.forbidden('WOPI app is disabled', 'wopi.app_disabled');
    const file = getFile(ctx, user, session.fileId);
    checkWopiSource(req, app);
    const pk = await proofKeyFor(ctx, app);
    if (pk) {
      const origin = publicOriginFor(ctx, req) ?? '';
      if (!verifyProof(pk, token, `${origin}${req.originalUrl}`, req.headers)) {
        store.state.wopiSessions = store.state.wopiSessions.filter((s) => s !== session);
        store.commit();
        throw new ApiError(500, 'internal_server_error', 'WOPI proof validation failed');
      }
    }
    W.set(req, { session, token, user, file, app });
    next();
  };
  const w = (req: Request) => W.get(req)!;

  host.get('/wopi/files/:id', wopiAuth, async (req, res) => {
    const { user, file } = w(req);
    const info: Record<string, unknown> = {
      BaseFileName: file.name,
      FileNameMaxLength: 255,
      OwnerId: String(file.ownerUserId),
      Size: file.size,
      UserId: String(user.id),
      UserCanNotWriteRelative: false,
      UserCanRename: true,
      UserCanWrite: true,
      ReadOnly: false,
      SupportsGetLock: true,
      SupportsLocks: true,
      SupportsExtendedLockLength: true,
      SupportsRename: true,
      SupportsUserInfo: true,
      SupportsUpdate: true,
      Version: file.etag,
    };
    if (user.wopiUserInfo !== null) info.UserInfo = user.wopiUserInfo;
    res.json(info);
  });

  host.get('/wopi/files/:id/contents', wopiAuth, async (req, res) => {
    const { user, file } = w(req);
    const inm = req.headers['if-none-match'];
    res.setHeader('X-WOPI-ItemVersion', file.etag);
    if (typeof inm === 'string' && inm.replace(/"/g, '') === file.etag) {
      res.status(304).end();
      return;
    }
    const max = req.headers['x-wopi-maxexpectedsize'];
    if (typeof max === 'string' && /^\d+$/.test(max) && file.size > Number(max))
      throw new ApiError(412, 'wopi.max_expected_size_exceeded', 'file is larger than X-WOPI-MaxExpectedSize');
    const stream = file.size === 0 ? null : await readFile(ctx, file);
    audit(ctx, { req, userId: user.id, action: 'file_download', entityType: 'file', entityId: file.id, entityName: file.name, details: { via: 'wopi' } });
    store.commit();
    res.setHeader('Content-Type', 'application/octet-stream');
    res.setHeader('Content-Length', String(file.size));
    res.setHeader('ETag', `"${file.etag}"`);
    if (!stream) {
      res.end();
      return;
    }
    stream.pipe(res);
  });

  host.post('/wopi/files/:id/contents', wopiAuth, async (req, res) => {
    const { user, file } = w(req);
    const override = String(req.headers['x-wopi-override'] ?? '').toUpperCase();
    if (override !== 'PUT') throw new ApiError(501, 'not_implemented', `unsupported X-WOPI-Override ${override}`);
    const { all, wopi, outside } = wopiLocks(ctx, file);
    const given = req.headers['x-wopi-lock'];
    if (all.length === 0) {
      if (file.size > 0) throw wopiConflict('', 'existing file requires a WOPI lock');
    } else if (outside) throw wopiConflict('', 'file is locked outside WOPI');
    else if (wopi) {
      const cur = String((wopi.ownerInfo as { lock?: string }).lock ?? '');
      if (typeof given !== 'string' || given === '') throw E.bad('X-WOPI-Lock header is required');
      if (given !== cur) throw wopiConflict(cur, 'WOPI lock mismatch');
    }
    const temp = await streamToTemp(ctx, req);
    await overwriteFile(ctx, user, file, temp, 'overwrite');
    audit(ctx, { req, userId: user.id, action: 'file_edit', entityType: 'file', entityId: file.id, entityName: file.name, details: { via: 'wopi' } });
    store.commit();
    res.setHeader('X-WOPI-ItemVersion', file.etag);
    res.status(200).end();
  });

  // The X-WOPI-Override operations on a file (upstream src/services/preview/wopi/operations.rs).
  host.post('/wopi/files/:id', wopiAuth, async (req, res) => {
    const override = String(req.headers['x-wopi-override'] ?? '').toUpperCase();
    const operation = WOPI_OVERRIDES.get(override);
    if (!operation) throw new ApiError(501, 'not_implemented', `unsupported X-WOPI-Override ${override}`);
    await operation(ctx, req, res, w(req));
  });

  r.use(host);
  return r;
}
