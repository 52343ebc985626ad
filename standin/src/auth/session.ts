import crypto from 'node:crypto';
import type { Request, Response, NextFunction, RequestHandler } from 'express';
import type { Ctx } from '../context.js';
import type { RefreshSession, UserRec } from '../db/types.js';
import { ApiError, E } from '../http/errors.js';
import { clientIp, isUnsafe, parseCookies, userAgent } from '../http/request.js';
import { getNum } from '../services/settings.js';
import { signJwt, verifyJwt, type Claims } from './jwt.js';
import { checkCsrf, checkRequestSource } from './csrf.js';

export interface AuthInfo {
  user: UserRec;
  claims: Claims;
  via: 'cookie' | 'bearer';
}

const AUTH = new WeakMap<Request, AuthInfo>();

export function authOf(req: Request): AuthInfo {
  const a = AUTH.get(req);
  if (!a) throw E.unauthorized('auth.token_missing', 'missing token');
  return a;
}

export function maybeAuth(req: Request): AuthInfo | undefined {
  return AUTH.get(req);
}

export function clientFingerprint(req: Request): string {
  return crypto
    .createHash('sha256')
    .update(`${clientIp(req)}|${userAgent(req)}`)
    .digest('hex');
}

export function issueTokens(ctx: Ctx, user: UserRec, req: Request, existing?: RefreshSession) {
  const accessTtl = getNum(ctx.store, 'auth_access_token_ttl_secs');
  const refreshTtl = getNum(ctx.store, 'auth_refresh_token_ttl_secs');
  const now = Math.floor(Date.now() / 1000);
  const jti = crypto.randomUUID();
  let session = existing;
  const iso = new Date().toISOString();
  if (!session) {
    session = {
      id: ctx.store.nextId('sessions'),
      publicId: crypto.randomUUID(),
      userId: user.id,
      jti,
      used: [],
      client: clientFingerprint(req),
      ip: clientIp(req),
      userAgent: userAgent(req),
      createdAt: iso,
      lastSeenAt: iso,
      expiresAt: new Date((now + refreshTtl) * 1000).toISOString(),
    };
    ctx.store.state.sessions.push(session);
  } else {
    session.used.push([session.jti, Date.now(), clientFingerprint(req)]);
    if (session.used.length > 50) session.used.shift();
    session.jti = jti;
    session.lastSeenAt = iso;
    session.ip = clientIp(req);
    session.userAgent = userAgent(req);
    session.expiresAt = new Date((now + refreshTtl) * 1000).toISOString();
  }
  const access = signJwt({ sub: user.id, typ: 'access', sv: user.sessionVersion, iat: now, exp: now + accessTtl, sid: session.id }, ctx.cfg.jwtSecret);
  const refresh = signJwt({ sub: user.id, typ: 'refresh', sv: user.sessionVersion, iat: now, exp: now + refreshTtl, jti, sid: session.id }, ctx.cfg.jwtSecret);
  return { access, refresh, accessTtl, refreshTtl, session, accessExp: now + accessTtl };
}

/** Verifies an access token from the aster_access cookie or the bearer header (upstream src/api/middleware/auth.rs). */
export function resolveAccess(ctx: Ctx, req: Request): AuthInfo {
  const cookies = parseCookies(req);
  let token = cookies.aster_access;
  let via: 'cookie' | 'bearer' = 'cookie';
  if (!token) {
    const h = req.headers.authorization;
    if (typeof h === 'string' && /^Bearer\s+/i.test(h)) {
      token = h.replace(/^Bearer\s+/i, '').trim();
      via = 'bearer';
    }
  }
  if (!token) throw E.unauthorized('auth.token_missing', 'missing token');
  const r = verifyJwt(token, ctx.cfg.jwtSecret);
  if (!r.ok) throw r.reason === 'expired' ? E.unauthorized('auth.token_expired', 'token expired') : E.unauthorized('auth.token_invalid', 'invalid token');
  if (r.claims.typ !== 'access') throw E.unauthorized('auth.token_invalid', 'invalid token type');
  const user = ctx.store.s.users.find((u) => u.id === r.claims.sub);
  if (!user) throw E.unauthorized('auth.token_invalid', 'user not found');
  if (user.sessionVersion !== r.claims.sv) throw E.unauthorized('auth.token_invalid', 'session revoked');
  if (user.status !== 'active') throw E.forbidden('account is disabled');
  return { user, claims: r.claims, via };
}

const PASSWORD_CHANGE_ALLOWED = ['GET /api/v1/auth/me', 'PUT /api/v1/auth/password', 'POST /api/v1/auth/logout'];

export function requireAuth(ctx: Ctx, opts: { admin?: boolean } = {}): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    const info = resolveAccess(ctx, req);
    if (info.via === 'cookie' && isUnsafe(req.method)) {
      checkRequestSource(ctx, req);
      checkCsrf(req);
    }
    if (info.user.mustChangePassword) {
      const key = `${req.method} ${req.baseUrl}${req.path}`.replace(/\/$/, '');
      if (!PASSWORD_CHANGE_ALLOWED.includes(key)) throw new ApiError(403, 'auth.password_change_required', 'password change required');
    }
    if (opts.admin && info.user.role !== 'admin') throw new ApiError(403, 'auth.admin_required', 'admin required');
    AUTH.set(req, info);
    next();
  };
}

/** Optional auth for endpoints that behave differently with a session (never throws). */
export function tryAuth(ctx: Ctx, req: Request): AuthInfo | undefined {
  try {
    const info = resolveAccess(ctx, req);
    AUTH.set(req, info);
    return info;
  } catch {
    return undefined;
  }
}
