// A share as its visitor sees it under /s/:token (upstream src/api/routes/share_public.rs).
import crypto from 'node:crypto';
import net from 'node:net';
import { Router, type Request, type Response } from 'express';
import type { Ctx } from '../context.js';
import type { FileRec, FolderRec, ShareRec } from '../db/types.js';
import { ApiError, E, ok } from '../http/errors.js';
import { parseId, readJson, reqObj, str } from '../http/body.js';
import { sendFileContent } from '../http/download.js';
import { clientIp, parseCookies, userAgent } from '../http/request.js';
import { appendCookie, cookieString } from '../auth/cookies.js';
import { verifyPassword } from '../auth/password.js';
import { audit } from '../services/audit.js';
import { isDescendant, userById } from '../services/files.js';
import { getBool } from '../services/settings.js';
import { ancestors, folderContents } from './folders.js';
import { serveThumbnail } from './files/access.js';
import { shareExpired } from './shares.js';

function subnet(ip: string): string {
  if (net.isIPv4(ip)) return ip.split('.').slice(0, 3).join('.');
  // expand IPv6 and keep the /64
  const [head, tail] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail ? tail.split(':') : [];
  const groups = tail !== undefined ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  return groups
    .slice(0, 4)
    .map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''))
    .join(':');
}

function unlockProof(ctx: Ctx, req: Request, token: string): string {
  const ua = crypto.createHash('sha256').update(userAgent(req)).digest('hex');
  return crypto
    .createHmac('sha256', ctx.cfg.shareCookieSecret)
    .update(`${token}|${ua}|${subnet(clientIp(req))}`)
    .digest('base64url');
}

export function sharePublicRoutes(ctx: Ctx): Router {
  const r = Router();
  const store = ctx.store;

  function find(token: string): ShareRec {
    const s = store.s.shares.find((x) => x.token === token);
    if (!s) throw E.notFound('share.not_found', 'share not found');
    if (shareExpired(s)) throw E.notFound('share.expired', 'share has expired');
    return s;
  }

  function limitReached(s: ShareRec): boolean {
    return s.maxDownloads > 0 && s.downloadCount >= s.maxDownloads;
  }

  function target(s: ShareRec): FileRec | FolderRec {
    if (s.targetType === 'file') {
      const f = store.s.files.find((x) => x.id === s.targetId);
      if (!f || f.deletedAt) throw E.notFound('file.not_found', 'file not found');
      return f;
    }
    const f = store.s.folders.find((x) => x.id === s.targetId);
    if (!f || f.deletedAt) throw E.notFound('folder.not_found', 'folder not found');
    return f;
  }

  function unlocked(req: Request, s: ShareRec): void {
    if (!s.passwordHash) return;
    const c = parseCookies(req)[`aster_share_${s.token}`];
    const want = unlockProof(ctx, req, s.token);
    if (!c || c.length !== want.length || !crypto.timingSafeEqual(Buffer.from(c), Buffer.from(want))) {
      throw new ApiError(403, 'share.password_required', 'share password required');
    }
  }

  function sharedFolder(req: Request, s: ShareRec): FolderRec {
    if (s.targetType !== 'folder') throw E.notFound('not_found', 'not a folder share');
    unlocked(req, s);
    return target(s) as FolderRec;
  }

  function subFolder(root: FolderRec, id: number): FolderRec {
    const f = store.s.folders.find((x) => x.id === id && !x.deletedAt);
    if (!f || f.ownerUserId !== root.ownerUserId || !isDescendant(ctx, f.id, root.id)) throw E.notFound('folder.not_found', 'folder not found');
    return f;
  }

  function subFile(root: FolderRec, id: number): FileRec {
    const f = store.s.files.find((x) => x.id === id && !x.deletedAt);
    if (!f || f.ownerUserId !== root.ownerUserId || f.folderId === null || !isDescendant(ctx, f.folderId, root.id))
      throw E.notFound('file.not_found', 'file not found');
    return f;
  }

  async function countedDownload(req: Request, res: Response, s: ShareRec, file: FileRec): Promise<void> {
    if (limitReached(s)) throw new ApiError(403, 'share.download_limit_reached', 'share download limit reached');
    let counted = false;
    await sendFileContent(ctx, req, res, file, {
      source: 'share',
      beforeStream: () => {
        s.downloadCount++;
        counted = true;
        audit(ctx, { req, userId: null, action: 'file_download', entityType: 'file', entityId: file.id, entityName: file.name, details: { share_id: s.id } });
        store.commit();
        res.on('close', () => {
          // an aborted body rolls the count back (upstream src/services/share/content.rs)
          if (counted && !res.writableFinished) {
            s.downloadCount = Math.max(0, s.downloadCount - 1);
            store.commit();
          }
        });
      },
    });
  }

  r.get('/s/:token', async (req, res) => {
    const s = find(String(req.params.token));
    if (limitReached(s)) throw new ApiError(403, 'share.download_limit_reached', 'share download limit reached');
    const t = target(s);
    s.viewCount++;
    store.commit();
    const owner = userById(ctx, s.userId);
    const isFile = s.targetType === 'file';
    ok(res, {
      token: s.token,
      name: t.name,
      share_type: s.targetType,
      has_password: s.passwordHash !== null,
      expires_at: s.expiresAt,
      is_expired: false,
      download_count: s.downloadCount,
      view_count: s.viewCount,
      max_downloads: s.maxDownloads,
      mime_type: isFile ? (t as FileRec).mimeType : null,
      size: isFile ? (t as FileRec).size : null,
      shared_by: { name: owner ? (owner.displayName ?? owner.username) : null, avatar: null },
    });
  });

  r.post('/s/:token/verify', async (req, res) => {
    const s = find(String(req.params.token));
    const body = reqObj(await readJson(req));
    const pw = str(body, 'password')!;
    if (!s.passwordHash) throw E.bad('share has no password');
    if (!(await verifyPassword(pw, s.passwordHash))) throw E.unauthorized('auth.credentials_failed', 'Invalid Credentials');
    appendCookie(
      res,
      cookieString(`aster_share_${s.token}`, unlockProof(ctx, req, s.token), {
        path: `/api/v1/s/${s.token}`,
        maxAge: 3600,
        httpOnly: true,
        secure: getBool(store, 'auth_cookie_secure'),
      }),
    );
    ok(res);
  });

  r.get('/s/:token/download', async (req, res) => {
    const s = find(String(req.params.token));
    if (s.targetType !== 'file') throw E.bad('not a file share');
    unlocked(req, s);
    await countedDownload(req, res, s, target(s) as FileRec);
  });

  r.get('/s/:token/content', async (req, res) => {
    const s = find(String(req.params.token));
    const root = sharedFolder(req, s);
    ok(res, folderContents(ctx, req, root.ownerUserId, root.id));
  });

  r.get('/s/:token/folders/:fid/content', async (req, res) => {
    const s = find(String(req.params.token));
    const root = sharedFolder(req, s);
    const f = subFolder(root, parseId(req.params.fid as string));
    ok(res, folderContents(ctx, req, root.ownerUserId, f.id));
  });

  r.get('/s/:token/folders/:fid/ancestors', async (req, res) => {
    const s = find(String(req.params.token));
    const root = sharedFolder(req, s);
    const f = subFolder(root, parseId(req.params.fid as string));
    const chain = ancestors(ctx, f);
    ok(res, chain.slice(chain.findIndex((a) => a.id === root.id)));
  });

  r.get('/s/:token/files/:fid/download', async (req, res) => {
    const s = find(String(req.params.token));
    const root = sharedFolder(req, s);
    await countedDownload(req, res, s, subFile(root, parseId(req.params.fid as string)));
  });

  r.get('/s/:token/thumbnail', async (req, res) => {
    const s = find(String(req.params.token));
    if (s.targetType !== 'file') throw E.bad('not a file share');
    unlocked(req, s);
    serveThumbnail(ctx, req, res, target(s) as FileRec, null, false);
  });

  r.get('/s/:token/files/:fid/thumbnail', async (req, res) => {
    const s = find(String(req.params.token));
    const root = sharedFolder(req, s);
    serveThumbnail(ctx, req, res, subFile(root, parseId(req.params.fid as string)), null, false);
  });

  return r;
}
